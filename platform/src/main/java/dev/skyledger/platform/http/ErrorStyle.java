package dev.skyledger.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The error body each OpenStack service uses; clients print its message to users. */
public enum ErrorStyle {
  /** Keystone: {@code {"error":{"code","title","message"}}}. */
  KEYSTONE {
    @Override
    public ObjectNode body(ObjectMapper json, int status, String title, String message) {
      ObjectNode root = json.createObjectNode();
      root.putObject("error").put("code", status).put("title", title).put("message", message);
      return root;
    }
  },
  /** Neutron: {@code {"NeutronError":{"type","message","detail"}}}; the type names the failure. */
  NEUTRON {
    @Override
    public ObjectNode body(ObjectMapper json, int status, String title, String message) {
      ObjectNode root = json.createObjectNode();
      String type = title.contains(" ") ? "HTTP" + title.replace(" ", "") : title;
      root.putObject("NeutronError").put("type", type).put("message", message).put("detail", "");
      return root;
    }
  },
  /** Nova: {@code {"<fault>":{"code","message"}}}, the fault named after the status (itemNotFound, conflict ...). */
  NOVA {
    @Override
    public ObjectNode body(ObjectMapper json, int status, String title, String message) {
      ObjectNode root = json.createObjectNode();
      String fault = title.matches("[a-z][A-Za-z]*") ? title : switch (status) {
        case 400 -> "badRequest";
        case 401 -> "unauthorized";
        case 403 -> "forbidden";
        case 404 -> "itemNotFound";
        case 405 -> "badMethod";
        case 409 -> "conflict";
        case 413, 429 -> "overLimit";
        case 415 -> "badMediaType";
        case 501 -> "notImplemented";
        case 503 -> "serviceUnavailable";
        default -> "computeFault";
      };
      root.putObject(fault).put("code", status).put("message", message);
      return root;
    }
  };

  public abstract ObjectNode body(ObjectMapper json, int status, String title, String message);

  /**
   * The style of the service a path belongs to. Glance and Swift bring their own styles with
   * their paths.
   */
  public static ErrorStyle forPath(String path) {
    if (path.startsWith("/network")) return NEUTRON;
    if (path.startsWith("/compute")) return NOVA;
    return KEYSTONE;
  }
}
