package dev.skyledger.queryapi.identity;

import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.config.JavalinConfig;

/** The service catalog as registered (regions, services, endpoints) and the policy documents: admin only. */
final class CatalogReadRoutes {
  private static final String V3 = IdentityReads.V3;

  private final IdentityReads reads;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  CatalogReadRoutes(IdentityReads reads) {
    this.reads = reads;
    this.directory = reads.directory;
    this.render = reads.render;
  }

  void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(V3 + "/policies", ctx -> reads.list(ctx, "policies", directory.policies(ctx.queryParam("type")).stream()
        .map(render::policy).toList()));
    r.get(V3 + "/policies/{id}", ctx -> reads.show(ctx, "policy", directory.policy(ctx.pathParam("id")).map(render::policy)));
    r.get(V3 + "/regions", ctx -> reads.list(ctx, "regions", directory.regions(ctx.queryParam("parent_region_id")).stream()
        .map(render::region).toList()));
    r.get(V3 + "/regions/{id}", ctx -> reads.show(ctx, "region", directory.region(ctx.pathParam("id")).map(render::region)));
    r.get(V3 + "/services", ctx -> reads.list(ctx, "services", directory.services(ctx.queryParam("type"),
        ctx.queryParam("name")).stream().map(render::service).toList()));
    r.get(V3 + "/services/{id}", ctx -> reads.show(ctx, "service", directory.service(ctx.pathParam("id")).map(render::service)));
    r.get(V3 + "/endpoints", ctx -> reads.list(ctx, "endpoints", directory.endpoints(ctx.queryParam("service_id"),
        ctx.queryParam("interface"), ctx.queryParam("region_id")).stream().map(render::endpoint).toList()));
    r.get(V3 + "/endpoints/{id}", ctx -> reads.show(ctx, "endpoint",
        directory.endpoint(ctx.pathParam("id")).map(render::endpoint)));
  }


}
