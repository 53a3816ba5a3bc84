package dev.skyledger.processors.network;

import dev.skyledger.events.network.Network;
import dev.skyledger.processors.core.Decision;

/** The network service's refusals that several decisions share, with Neutron's error types. */
final class NetworkRejections {
  private NetworkRejections() {}

  static Decision networkNotFound(String id) {
    return Decision.reject(404, "NetworkNotFound", "Network " + id + " could not be found.");
  }

  static Decision invalid(String message) {
    return Decision.reject(400, "InvalidInput", "Invalid input for operation: " + message);
  }

  static Decision macInUse(Network n, String mac) {
    return Decision.reject(409, "MacAddressInUse", "Unable to complete operation for network " + n.getNetworkId()
        + ". The mac address " + mac + " is in use.");
  }

  static Decision exhausted(Network n) {
    return Decision.reject(409, "IpAddressGenerationFailure", "No more IP addresses available on network "
        + n.getNetworkId() + ".");
  }
}
