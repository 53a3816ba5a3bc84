package dev.skyledger.platform.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The test kit: {@code @ExtendWith(SkyTestKit.class)} gives a test class a {@link TestEnvironment}
 * (as a parameter of its constructor, its methods or its {@code @BeforeAll}) backed by a real
 * Kafka broker and a real PostgreSQL started once per test JVM, with topics and a database of its
 * own so test classes never see each other.
 */
public final class SkyTestKit implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SkyTestKit.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    environment(context);
  }

  private TestEnvironment environment(ExtensionContext context) {
    SharedServers servers = context.getRoot().getStore(NS)
        .getOrComputeIfAbsent("servers", k -> new SharedServers(), SharedServers.class);
    ExtensionContext classContext = context;
    while (classContext.getParent().isPresent() && classContext.getTestMethod().isPresent()) {
      classContext = classContext.getParent().get();
    }
    String name = classContext.getRequiredTestClass().getSimpleName();
    return classContext.getStore(NS)
        .getOrComputeIfAbsent("env", k -> TestEnvironment.create(servers, name), TestEnvironment.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return environment(context);
  }
}
