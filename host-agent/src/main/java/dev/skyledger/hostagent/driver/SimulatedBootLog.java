package dev.skyledger.hostagent.driver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What a simulated domain writes to its serial console as it boots, shaped like an Ubuntu cloud
 * image under KVM: the kernel finding its CPUs, memory, disk and NICs, then cloud-init setting the
 * hostname and listing the NICs with their MACs and the SSH keys it put in place, then the login
 * prompt (console-log users and scripts wait for it).
 */
final class SimulatedBootLog {
  private static final String CLOUD_INIT = "Cloud-init v. 23.4.4-0ubuntu0~22.04.1";
  private static final String USER = "ubuntu";
  private static final DateTimeFormatter RFC_1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  private SimulatedBootLog() {}

  static String of(HypervisorDriver.DomainSpec spec, Instant at) {
    StringBuilder log = new StringBuilder();
    String name = spec.name();
    long blocks = spec.rootGb() * 2_097_152L;
    kernel(log, 0.0, "Linux version 5.15.0-105-generic (buildd@lcy02-amd64-007) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0,"
        + " GNU ld (GNU Binutils for Ubuntu) 2.38) #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024");
    kernel(log, 0.0, "Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-105-generic root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0");
    kernel(log, 0.0, "DMI: OpenStack Foundation OpenStack Nova, BIOS 1.15.0-1 04/01/2014");
    kernel(log, 0.0, "Hypervisor detected: KVM");
    kernel(log, 0.041187, "Memory: " + Math.max(0, spec.memoryMb() * 1024L - 61_440) + "K/" + spec.memoryMb() * 1024L + "K available");
    kernel(log, 0.102934, "smpboot: Allowing " + spec.vcpus() + " CPUs, 0 hotplug CPUs");
    kernel(log, 0.812733, "virtio_blk virtio" + spec.nics().size() + ": [vda] " + blocks + " 512-byte logical blocks ("
        + String.format(Locale.ROOT, "%.1f GB/%d.00 GiB", blocks * 512 / 1e9, spec.rootGb()) + ")");
    for (int i = 0; i < spec.nics().size(); i++) {
      kernel(log, 0.824511 + i * 0.004, "virtio_net virtio" + i + " " + device(i) + ": renamed from eth" + i);
    }
    kernel(log, 1.931207, "EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.");
    kernel(log, 2.304418, "systemd[1]: Hostname set to <" + name + ">.");
    cloudInit(log, "init-local", at, 3.12);
    cloudInit(log, "init", at, 4.51);
    log.append("ci-info: +++++++++++++++++++++++++++Net device info++++++++++++++++++++++++++++\n");
    String rule = "ci-info: +--------+------+-------------------+\n";
    log.append(rule).append("ci-info: | Device |  Up  |     Hw-Address    |\n").append(rule);
    for (int i = 0; i < spec.nics().size(); i++) {
      log.append(String.format(Locale.ROOT, "ci-info: | %-6s | True | %-17s |\n", device(i), spec.nics().get(i).macAddress()));
    }
    log.append("ci-info: |   lo   | True |         .         |\n").append(rule);
    log.append("cloud-init[512]: Setting hostname to ").append(name).append('\n');
    keys(log, spec.publicKey());
    cloudInit(log, "modules:config", at, 7.84);
    cloudInit(log, "modules:final", at, 8.92);
    if (spec.userData() != null && !spec.userData().isBlank()) {
      log.append("cloud-init[801]: running user data (").append(spec.userData().length()).append(" bytes)\n");
    }
    log.append(CLOUD_INIT).append(" finished at ").append(RFC_1123.format(at.plusMillis(9_950)))
        .append(". Datasource DataSourceOpenStackLocal [net,ver=2].  Up 9.95 seconds\n")
        .append('\n')
        .append("Ubuntu 22.04.4 LTS ").append(name).append(" ttyS0\n")
        .append('\n')
        .append(name).append(" login: \n");
    return log.toString();
  }

  private static void kernel(StringBuilder log, double seconds, String line) {
    log.append(String.format(Locale.ROOT, "[%12.6f] ", seconds)).append(line).append('\n');
  }

  private static void cloudInit(StringBuilder log, String stage, Instant at, double up) {
    log.append(CLOUD_INIT).append(" running '").append(stage).append("' at ")
        .append(RFC_1123.format(at.plusMillis((long) (up * 1000)))).append(". Up ")
        .append(String.format(Locale.ROOT, "%.2f", up)).append(" seconds.\n");
  }

  /** The key cloud-init put in authorized_keys, with its SHA-256 fingerprint as cloud-init prints it. */
  private static void keys(StringBuilder log, String publicKey) {
    if (publicKey == null || publicKey.isBlank()) {
      log.append("ci-info: no authorized SSH keys fingerprints found for user ").append(USER).append(".\n");
      return;
    }
    String[] parts = publicKey.trim().split("\\s+", 3);
    String type = parts[0];
    String comment = parts.length > 2 ? parts[2] : "-";
    String fingerprint = parts.length > 1 ? fingerprint(parts[1]) : "-";
    log.append("ci-info: ++++++++++Authorized keys from /home/").append(USER).append("/.ssh/authorized_keys for user ")
        .append(USER).append("++++++++++\n");
    log.append("ci-info: | Keytype | Fingerprint (sha256) | Options | Comment |\n");
    log.append("ci-info: | ").append(type).append(" | ").append(fingerprint).append(" | - | ").append(comment).append(" |\n");
  }

  private static String fingerprint(String base64) {
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      blob = base64.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The name a virtio NIC gets in the guest: PCI slot 3 onwards, as under nova. */
  private static String device(int index) {
    return "ens" + (3 + index);
  }
}
