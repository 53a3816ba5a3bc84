package dev.skyledger.platform.http;

/**
 * A failure a client caused or must be told about, with the HTTP status, the title OpenStack
 * uses for it, and a message that names the problem. One handler turns it into the error body of
 * the service that was called.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String title;

  public ApiException(int status, String title, String message) {
    super(message);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "Bad Request", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "Unauthorized", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "Forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "Not Found", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "Conflict", message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "Service Unavailable", message);
  }

  public static ApiException timeout(String message) {
    return new ApiException(504, "Gateway Timeout", message);
  }
}
