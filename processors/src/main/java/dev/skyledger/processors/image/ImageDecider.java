package dev.skyledger.processors.image;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.image.AbortImageUpload;
import dev.skyledger.events.image.AddImageMember;
import dev.skyledger.events.image.ImageMemberAdded;
import dev.skyledger.events.image.ImageMemberRemoved;
import dev.skyledger.events.image.ImageMemberStatusChanged;
import dev.skyledger.events.image.RemoveImageMember;
import dev.skyledger.events.image.SetImageMemberStatus;
import dev.skyledger.events.image.CompleteImageUpload;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.events.image.DeactivateImage;
import dev.skyledger.events.image.ImageDeactivated;
import dev.skyledger.events.image.ImageReactivated;
import dev.skyledger.events.image.ReactivateImage;
import dev.skyledger.events.image.ImageActivated;
import dev.skyledger.events.image.ImageUploadAborted;
import dev.skyledger.events.image.ImageUploadStarted;
import dev.skyledger.events.image.StartImageUpload;
import dev.skyledger.events.image.DeleteImage;
import dev.skyledger.events.image.ImageCreated;
import dev.skyledger.events.image.ImageDeleted;
import dev.skyledger.events.image.ImageUpdated;
import dev.skyledger.events.image.UpdateImage;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.image.ImageState.Image;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides image commands: who may register, change and delete an image, and which metadata is
 * valid. Pure: {@link #decide} reads the state, {@link #evolve} applies one event.
 *
 * <p>The caller's roles are the command's actor's, already re-checked against the live role
 * assignments by the topology ({@code IdentityViewStore}): a role revoked since the token was
 * issued is gone here.
 */
final class ImageDecider {
  static final Set<String> DISK_FORMATS = Set.of("raw", "qcow2", "vhd", "vhdx", "vdi", "vmdk", "iso", "ami", "aki", "ari");
  static final Set<String> CONTAINER_FORMATS = Set.of("bare", "ovf", "ova", "ami", "aki", "ari");
  static final Set<String> VISIBILITIES = Set.of("public", "private", "shared", "community");

  private ImageDecider() {}

  /** Per-project limits: how many images, and how many bytes of image data. */
  record Quota(int images, long bytes) {
    static final Quota UNLIMITED = new Quota(Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  static Decision decide(SpecificRecord command, Actor actor, ImageState s) {
    return decide(command, actor, s, Quota.UNLIMITED);
  }

  static Decision decide(SpecificRecord command, Actor actor, ImageState s, Quota quota) {
    if (MetadefDecider.handles(command)) return MetadefDecider.decide(command, actor, s.metadefs());
    if (command instanceof CreateImage c) {
      Decision created = create(c, actor, s);
      if (!created.rejected() && s.imageCount(c.getOwnerProjectId()) >= quota.images()) {
        return Decision.reject(413, "Request Entity Too Large", "Image count quota exceeded: project "
            + c.getOwnerProjectId() + " may have at most " + quota.images() + " images.");
      }
      return created;
    }
    if (command instanceof CompleteImageUpload c) {
      Decision completed = completeUpload(c, actor, s);
      if (!completed.rejected()) {
        String owner = s.image(c.getImageId()).orElseThrow().quotaProject();
        if (s.storedBytes(owner) + c.getSize() > quota.bytes()) {
          return Decision.reject(413, "Request Entity Too Large", "Image storage quota exceeded: project " + owner
              + " may store at most " + quota.bytes() + " bytes of image data and already stores "
              + s.storedBytes(owner) + ".");
        }
      }
      return completed;
    }
    if (command instanceof UpdateImage c) return update(c, actor, s);
    if (command instanceof DeleteImage c) return delete(c, actor, s);
    if (command instanceof StartImageUpload c) return startUpload(c, actor, s);
    if (command instanceof AbortImageUpload c) return abortUpload(c, actor, s);
    if (command instanceof DeactivateImage c) return activation(c.getImageId(), actor, s, false);
    if (command instanceof ReactivateImage c) return activation(c.getImageId(), actor, s, true);
    if (command instanceof AddImageMember c) return addMember(c, actor, s);
    if (command instanceof SetImageMemberStatus c) return setMemberStatus(c, actor, s);
    if (command instanceof RemoveImageMember c) return removeMember(c, actor, s);
    return Decision.badRequest("Unknown image command " + command.getSchema().getName() + ".");
  }

  static boolean isAdmin(Actor actor) {
    return actor.getRoles().contains("admin") || actor.getRoles().contains("system");
  }

  /** Members and admins of the owning project may change its images; cloud admins any image. */
  static boolean mayWrite(Actor actor, String owner) {
    if (isAdmin(actor)) return true;
    return owner.equals(actor.getProjectId()) && actor.getRoles().contains("member");
  }

  private static Decision create(CreateImage c, Actor actor, ImageState s) {
    if (!mayWrite(actor, c.getOwnerProjectId())) return Decision.forbidden("You are not authorized to create images in this project.");
    Decision invalid = invalid(c.getDiskFormat(), c.getContainerFormat(), c.getVisibility(), c.getMinDisk(), c.getMinRam());
    if (invalid != null) return invalid;
    if (c.getVisibility().equals("public") && !isAdmin(actor)) {
      return Decision.forbidden("You are not authorized to create public images: only an administrator may publicize an image.");
    }
    if (s.image(c.getImageId()).isPresent()) return Decision.conflict("An image with identifier " + c.getImageId() + " already exists.");
    return Decision.accept(c.getImageId(), new ImageCreated(c.getImageId(), c.getOwnerProjectId(), c.getName(),
        c.getDiskFormat(), c.getContainerFormat(), c.getVisibility(), c.getProtected$(), c.getMinDisk(), c.getMinRam(),
        c.getTags(), c.getProperties()));
  }

  private static Decision update(UpdateImage c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + c.getImageId() + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("You are not authorized to modify this image.");
    Decision invalid = invalid(c.getDiskFormat(), c.getContainerFormat(), c.getVisibility(), c.getMinDisk(), c.getMinRam());
    if (invalid != null) return invalid;
    if (c.getVisibility().equals("public") && !image.visibility().equals("public") && !isAdmin(actor)) {
      return Decision.forbidden("You are not authorized to publicize an image: only an administrator may.");
    }
    String newOwner = c.getOwnerProjectId() == null || c.getOwnerProjectId().equals(image.owner()) ? null : c.getOwnerProjectId();
    if (newOwner != null && !isAdmin(actor)) return Decision.forbidden("Owner can't be updated by non admin.");
    if (newOwner != null && newOwner.isBlank()) return Decision.badRequest("Invalid value for 'owner': expected a project id.");
    return Decision.accept(image.id(), new ImageUpdated(image.id(), c.getName(), c.getDiskFormat(), c.getContainerFormat(),
        c.getVisibility(), c.getProtected$(), c.getMinDisk(), c.getMinRam(), c.getTags(), c.getProperties(), newOwner));
  }

  private static Decision delete(DeleteImage c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + c.getImageId() + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("You are not authorized to delete this image.");
    if (image.isProtected()) return Decision.forbidden("Image " + image.id() + " is protected and cannot be deleted.");
    return Decision.accept(image.id(), new ImageDeleted(image.id(), image.owner()));
  }

  private static Decision startUpload(StartImageUpload c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + c.getImageId() + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("You are not authorized to upload data to this image.");
    if (!image.status().equals("queued")) {
      return Decision.conflict("Image status transition from " + image.status() + " to saving is not allowed: "
          + "data can only be uploaded to a queued image.");
    }
    return Decision.accept(image.id(), new ImageUploadStarted(image.id(), image.owner()));
  }

  private static Decision completeUpload(CompleteImageUpload c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + c.getImageId() + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("You are not authorized to upload data to this image.");
    if (!image.status().equals("saving")) {
      return Decision.conflict("Image status transition from " + image.status() + " to active is not allowed.");
    }
    return Decision.accept(image.id(), new ImageActivated(image.id(), image.owner(), c.getSize(), c.getVirtualSize(),
        c.getChecksum(), c.getHashAlgo(), c.getHashValue(), c.getLocation()));
  }

  private static Decision abortUpload(AbortImageUpload c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + c.getImageId() + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("You are not authorized to upload data to this image.");
    if (!image.status().equals("saving")) return Decision.accept(image.id());
    return Decision.accept(image.id(), new ImageUploadAborted(image.id(), image.owner(), c.getReason()));
  }

  /** Deactivate (active → deactivated) or reactivate (deactivated → active); repeating either changes nothing. */
  private static Decision activation(String imageId, Actor actor, ImageState s, boolean reactivate) {
    Optional<Image> found = s.image(imageId);
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + imageId + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("You are not authorized to change this image's status.");
    String from = reactivate ? "deactivated" : "active";
    String to = reactivate ? "active" : "deactivated";
    if (image.status().equals(to)) return Decision.accept(image.id());
    if (!image.status().equals(from)) {
      return Decision.conflict("Image status transition from " + image.status() + " to " + to + " is not allowed.");
    }
    return Decision.accept(image.id(), reactivate ? new ImageReactivated(image.id(), image.owner())
        : new ImageDeactivated(image.id(), image.owner()));
  }

  private static Decision addMember(AddImageMember c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty()) return Decision.notFound("No image found with ID " + c.getImageId() + ".");
    Image image = found.get();
    if (!mayWrite(actor, image.owner())) return Decision.forbidden("Only the image's owner may share it.");
    if (!image.visibility().equals("shared")) {
      return Decision.forbidden("Only shared images have members (this one is " + image.visibility() + ").");
    }
    if (c.getMemberProjectId().equals(image.owner())) return Decision.badRequest("An image's owner cannot be its member.");
    if (s.member(image.id(), c.getMemberProjectId()).isPresent()) {
      return Decision.conflict("Member " + c.getMemberProjectId() + " already exists for image " + image.id() + ".");
    }
    return Decision.accept(image.id(), new ImageMemberAdded(image.id(), image.owner(), c.getMemberProjectId()));
  }

  private static Decision setMemberStatus(SetImageMemberStatus c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty() || s.member(c.getImageId(), c.getMemberProjectId()).isEmpty()) {
      return Decision.notFound("No member " + c.getMemberProjectId() + " found for image " + c.getImageId() + ".");
    }
    if (!c.getMemberProjectId().equals(actor.getProjectId()) || !(actor.getRoles().contains("member") || isAdmin(actor))) {
      return Decision.forbidden("Only the member project itself may accept or reject a shared image.");
    }
    if (!java.util.Set.of("pending", "accepted", "rejected").contains(c.getStatus())) {
      return Decision.badRequest("Invalid member status '" + c.getStatus() + "': one of accepted, pending, rejected.");
    }
    return Decision.accept(c.getImageId(), new ImageMemberStatusChanged(c.getImageId(), found.get().owner(),
        c.getMemberProjectId(), c.getStatus()));
  }

  private static Decision removeMember(RemoveImageMember c, Actor actor, ImageState s) {
    Optional<Image> found = s.image(c.getImageId());
    if (found.isEmpty() || s.member(c.getImageId(), c.getMemberProjectId()).isEmpty()) {
      return Decision.notFound("No member " + c.getMemberProjectId() + " found for image " + c.getImageId() + ".");
    }
    if (!mayWrite(actor, found.get().owner())) return Decision.forbidden("Only the image's owner may stop sharing it.");
    return Decision.accept(c.getImageId(), new ImageMemberRemoved(c.getImageId(), found.get().owner(), c.getMemberProjectId()));
  }

  private static Decision invalid(String diskFormat, String containerFormat, String visibility, int minDisk, int minRam) {
    if (diskFormat != null && !DISK_FORMATS.contains(diskFormat)) {
      return Decision.badRequest("Invalid disk format '" + diskFormat + "': one of " + String.join(", ", sorted(DISK_FORMATS)) + ".");
    }
    if (containerFormat != null && !CONTAINER_FORMATS.contains(containerFormat)) {
      return Decision.badRequest("Invalid container format '" + containerFormat + "': one of "
          + String.join(", ", sorted(CONTAINER_FORMATS)) + ".");
    }
    if (!VISIBILITIES.contains(visibility)) {
      return Decision.badRequest("Invalid visibility '" + visibility + "': one of " + String.join(", ", sorted(VISIBILITIES)) + ".");
    }
    if (minDisk < 0 || minRam < 0) return Decision.badRequest("min_disk and min_ram must not be negative.");
    return null;
  }

  private static java.util.List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }

  static void evolve(ImageState s, SpecificRecord event) {
    MetadefDecider.evolve(s.metadefs(), event);
    if (event instanceof ImageCreated e) {
      s.addUsage(e.getOwnerProjectId(), 1, 0);
      s.put(new Image(e.getImageId(), e.getOwnerProjectId(), e.getName(), e.getDiskFormat(), e.getContainerFormat(),
          e.getVisibility(), e.getProtected$(), e.getMinDisk(), e.getMinRam(), e.getTags(), e.getProperties(), "queued",
          e.getOwnerProjectId()));
    } else if (event instanceof ImageUpdated e) {
      // an image given to another project stays on the stream it was created on (its quota counts there)
      s.image(e.getImageId()).ifPresent(i -> s.put(new Image(i.id(),
          e.getOwnerProjectId() == null ? i.owner() : e.getOwnerProjectId(), e.getName(), e.getDiskFormat(),
          e.getContainerFormat(), e.getVisibility(), e.getProtected$(), e.getMinDisk(), e.getMinRam(), e.getTags(),
          e.getProperties(), i.status(), i.quotaProject())));
    } else if (event instanceof ImageDeleted e) {
      String quotaProject = s.image(e.getImageId()).map(Image::quotaProject).orElse(e.getOwnerProjectId());
      s.addUsage(quotaProject, -1, -s.size(e.getImageId()));
      s.delete(e.getImageId());
      s.removeMembers(e.getImageId());
    } else if (event instanceof ImageMemberAdded e) {
      s.putMember(e.getImageId(), e.getMemberProjectId(), "pending");
    } else if (event instanceof ImageMemberStatusChanged e) {
      s.putMember(e.getImageId(), e.getMemberProjectId(), e.getStatus());
    } else if (event instanceof ImageMemberRemoved e) {
      s.removeMember(e.getImageId(), e.getMemberProjectId());
    } else if (event instanceof ImageUploadStarted e) {
      s.image(e.getImageId()).ifPresent(i -> s.put(i.withStatus("saving")));
    } else if (event instanceof ImageActivated e) {
      s.image(e.getImageId()).ifPresent(i -> s.put(i.withStatus("active")));
      s.setSize(e.getImageId(), e.getSize());
      s.addUsage(s.image(e.getImageId()).map(Image::quotaProject).orElse(e.getOwnerProjectId()), 0, e.getSize());
    } else if (event instanceof ImageUploadAborted e) {
      s.image(e.getImageId()).ifPresent(i -> s.put(i.withStatus("queued")));
    } else if (event instanceof ImageDeactivated e) {
      s.image(e.getImageId()).ifPresent(i -> s.put(i.withStatus("deactivated")));
    } else if (event instanceof ImageReactivated e) {
      s.image(e.getImageId()).ifPresent(i -> s.put(i.withStatus("active")));
    }
  }

  static String aggregateOf(SpecificRecord event) {
    String namespace = MetadefDecider.aggregateOf(event);
    if (namespace != null) return namespace;
    if (event instanceof ImageCreated e) return e.getImageId();
    if (event instanceof ImageUpdated e) return e.getImageId();
    if (event instanceof ImageDeleted e) return e.getImageId();
    if (event instanceof ImageUploadStarted e) return e.getImageId();
    if (event instanceof ImageActivated e) return e.getImageId();
    if (event instanceof ImageUploadAborted e) return e.getImageId();
    if (event instanceof ImageDeactivated e) return e.getImageId();
    if (event instanceof ImageMemberAdded e) return e.getImageId();
    if (event instanceof ImageMemberStatusChanged e) return e.getImageId();
    if (event instanceof ImageMemberRemoved e) return e.getImageId();
    if (event instanceof ImageReactivated e) return e.getImageId();
    throw new IllegalArgumentException("not an image event: " + event.getSchema().getFullName());
  }
}
