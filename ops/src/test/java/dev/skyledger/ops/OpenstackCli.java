package dev.skyledger.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openstack} command-line client (Debian's python3-openstackclient) against a cloud. */
public final class OpenstackCli {
  static final String PROGRAM = "openstack";
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Result(int rc, String out, String err) {
    public JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out + "\n" + err, e);
      }
    }
  }

  private final String authUrl;

  public OpenstackCli(String authUrl) {
    this.authUrl = authUrl;
  }

  public String authUrl() {
    return authUrl;
  }

  public static boolean installed() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, PROGRAM))) return true;
    }
    return false;
  }

  /** As a test user made by {@link KeystoneAdmin#userWithRole}, scoped to its project. */
  public Result as(KeystoneAdmin.Scoped who, String... args) {
    return as(who.userName(), who.password(), who.projectName(), args);
  }

  /** As a user with a password, scoped to a project of the Default domain. */
  public Result as(String user, String password, String project, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("OS_AUTH_URL", authUrl);
    env.put("OS_IDENTITY_API_VERSION", "3");
    env.put("OS_USERNAME", user);
    env.put("OS_PASSWORD", password);
    env.put("OS_PROJECT_NAME", project);
    env.put("OS_USER_DOMAIN_NAME", "Default");
    env.put("OS_PROJECT_DOMAIN_NAME", "Default");
    return run(env, args);
  }

  /** With exactly these OS_* settings. */
  public Result run(Map<String, String> osEnv, String... args) {
    List<String> command = new ArrayList<>();
    command.add(PROGRAM);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("OS_"));
    builder.environment().putAll(osEnv);
    try {
      Path out = Files.createTempFile("cli", ".out");
      Path err = Files.createTempFile("cli", ".err");
      builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Process process = builder.start();
      if (!process.waitFor(180, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("openstack " + String.join(" ", args) + " did not finish in 180 s");
      }
      Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Result ok(Result r) {
    assertEquals(0, r.rc(), "stdout: " + r.out() + "\nstderr: " + r.err());
    return r;
  }

  public static boolean anyMatches(JsonNode rows, String field, String value) {
    for (JsonNode row : rows) if (value.equals(row.path(field).asText())) return true;
    return false;
  }
}
