package dev.skyledger.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What the server answers to a request it refuses before any route sees it (a path with U+0000 in
 * it, a malformed URI or header): the OpenStack error body of the service the path names, with a
 * request id, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
  private final ObjectMapper json;

  JsonErrorHandler(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                  Callback callback) {
    // a URI Jetty refused may have no parsed path: the service is told by the raw one
    String raw = request.getHttpURI() == null ? "" : String.valueOf(request.getHttpURI());
    String path = raw.replaceFirst("^[a-zA-Z]+://[^/]*", "");
    String requestId = "req-" + UUID.randomUUID();
    String text = message == null || message.isBlank() || message.equals("Bad Request")
        ? "The request line or a header was refused: the request path may not contain U+0000 or other control "
            + "characters, nor be malformed."
        : message;
    byte[] body;
    try {
      body = json.writeValueAsBytes(ErrorStyle.forPath(path).body(json, code, code == 400 ? "Bad Request" : "Error",
          text + " (request " + requestId + ")"));
    } catch (Exception e) {
      body = ("{\"error\":{\"code\":" + code + "}}").getBytes(StandardCharsets.UTF_8);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpSetup.REQUEST_ID_HEADER, requestId);
    // Jetty drops the connection after a request it refused: say so, or a client reuses it and fails
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
