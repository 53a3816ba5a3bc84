package dev.skyledger.hostagent.driver;

import java.util.List;
import java.util.Optional;

/**
 * What a host agent asks of its hypervisor. One implementation per kind of hypervisor:
 * {@code simulated} (in memory, for development and scale tests) now, {@code libvirt} (QEMU/KVM
 * through libvirt-java) next. Calls are made by one agent thread at a time per domain.
 */
public interface HypervisorDriver {
  /** What the hypervisor is, as os-hypervisors shows it: {@code QEMU}, {@code simulated} ... */
  String type();

  String version();

  /** The host's capacity before allocation ratios. */
  Capacity capacity();

  /** What the domains on this host use now. */
  Usage usage();

  /** Creates and starts a domain; returns once it runs (or throws with the reason it could not). */
  void spawn(DomainSpec spec) throws DriverException;

  /** Stops (if running) and removes a domain; a domain that does not exist is already destroyed. */
  void destroy(String instanceId) throws DriverException;

  void reboot(String instanceId, boolean hard) throws DriverException;

  void powerOff(String instanceId) throws DriverException;

  void powerOn(String instanceId) throws DriverException;

  Optional<DomainState> state(String instanceId);

  List<String> domains();

  /**
   * What the hypervisor knows of a running domain (Nova's server diagnostics before 2.48, which
   * each driver words its own way): its state, vCPUs, memory, root disk and NICs.
   */
  record Diagnostics(DomainState state, int vcpus, int memoryMb, int rootGb, List<Nic> nics) {}

  /** The domain's diagnostics; a driver that keeps none says so with the exception. */
  default Diagnostics diagnostics(String instanceId) throws DriverException {
    throw new DriverException(type() + " reports no diagnostics");
  }

  /** A copy of the domain's root disk as it is now (raw), for a snapshot image; the caller closes it. */
  java.io.InputStream snapshot(String instanceId) throws DriverException;

  /** The domain's serial console output so far, at most {@code lines} last lines (0: all). */
  String consoleLog(String instanceId, int lines) throws DriverException;

  record Capacity(int vcpus, int memoryMb, int localGb) {}

  record Usage(int vcpus, int memoryMb, int localGb, int domains) {}

  /**
   * Everything needed to start a domain: sizes, the image on local disk, the ports to plug, and what
   * cloud-init gets (user data, the key pair's public key; null when none).
   */
  record DomainSpec(String instanceId, String name, int vcpus, int memoryMb, int rootGb, String imagePath,
                    List<Nic> nics, String userData, String publicKey) {
    public DomainSpec(String instanceId, String name, int vcpus, int memoryMb, int rootGb, String imagePath,
                      List<Nic> nics, String userData) {
      this(instanceId, name, vcpus, memoryMb, rootGb, imagePath, nics, userData, null);
    }
  }

  /** A network interface: its port, MAC and the tap device name the network plumbing expects. */
  record Nic(String portId, String macAddress, String device) {}

  enum DomainState { RUNNING, SHUTOFF, PAUSED, CRASHED }

  /** A failure the agent reports as the step's reason (InstanceFailed carries it to the user). */
  final class DriverException extends Exception {
    public DriverException(String message) {
      super(message);
    }
  }
}
