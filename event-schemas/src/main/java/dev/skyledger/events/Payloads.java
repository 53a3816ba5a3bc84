package dev.skyledger.events;

import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.identity.*;
import dev.skyledger.events.image.*;
import dev.skyledger.events.network.*;
import dev.skyledger.events.compute.*;
import dev.skyledger.events.host.*;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Every payload type that may appear in an envelope: commands, events and replies. */
public final class Payloads {
  private Payloads() {}

  public static final List<Class<? extends SpecificRecord>> ALL = List.of(
      CommandAccepted.class, CommandRejected.class,
      // identity commands
      BootstrapIdentity.class, CreateProject.class, UpdateProject.class, DeleteProject.class,
      CreateUser.class, UpdateUser.class, ChangePassword.class, DeleteUser.class,
      CreateRole.class, UpdateRole.class, DeleteRole.class, AssignRole.class, UnassignRole.class, RevokeToken.class,
      RecordAuthFailure.class, ResetAuthFailures.class,
      CreateDomain.class, UpdateDomain.class, DeleteDomain.class,
      CreateGroup.class, UpdateGroup.class, DeleteGroup.class, AddUserToGroup.class, RemoveUserFromGroup.class,
      CreateImpliedRole.class, DeleteImpliedRole.class,
      CreateRegion.class, UpdateRegion.class, DeleteRegion.class, CreateService.class, UpdateService.class,
      DeleteService.class, CreateEndpoint.class, UpdateEndpoint.class, DeleteEndpoint.class,
      CreateApplicationCredential.class, DeleteApplicationCredential.class,
      CreateCredential.class, UpdateCredential.class, DeleteCredential.class,
      CreatePolicy.class, UpdatePolicy.class, DeletePolicy.class, CreateTrust.class, DeleteTrust.class,
      // identity events
      ProjectCreated.class, ProjectUpdated.class, ProjectDeleted.class,
      UserCreated.class, UserUpdated.class, UserPasswordChanged.class, UserDeleted.class,
      RoleCreated.class, RoleUpdated.class, RoleDeleted.class, RoleAssigned.class, RoleUnassigned.class,
      TokenRevoked.class, UserAuthFailed.class, UserAuthFailuresReset.class,
      DomainCreated.class, DomainUpdated.class, DomainDeleted.class,
      GroupCreated.class, GroupUpdated.class, GroupDeleted.class, UserAddedToGroup.class, UserRemovedFromGroup.class,
      RoleImplied.class, RoleImplicationRemoved.class,
      RegionCreated.class, RegionUpdated.class, RegionDeleted.class, ServiceCreated.class, ServiceUpdated.class,
      ServiceDeleted.class, EndpointCreated.class, EndpointUpdated.class, EndpointDeleted.class,
      ApplicationCredentialCreated.class, ApplicationCredentialDeleted.class,
      CredentialCreated.class, CredentialUpdated.class, CredentialDeleted.class,
      PolicyCreated.class, PolicyUpdated.class, PolicyDeleted.class, TrustCreated.class, TrustDeleted.class,
      // image
      CreateImage.class, UpdateImage.class, DeleteImage.class,
      StartImageUpload.class, CompleteImageUpload.class, AbortImageUpload.class,
      DeactivateImage.class, ReactivateImage.class,
      AddImageMember.class, SetImageMemberStatus.class, RemoveImageMember.class,
      ImageCreated.class, ImageUpdated.class, ImageDeleted.class,
      ImageUploadStarted.class, ImageActivated.class, ImageUploadAborted.class,
      ImageDeactivated.class, ImageReactivated.class,
      ImageMemberAdded.class, ImageMemberStatusChanged.class, ImageMemberRemoved.class,
      CreateMetadefNamespace.class, UpdateMetadefNamespace.class, DeleteMetadefNamespace.class,
      CreateMetadefDefinition.class, UpdateMetadefDefinition.class, DeleteMetadefDefinition.class,
      CreateMetadefTags.class, DeleteMetadefDefinitions.class,
      AssociateMetadefResourceType.class, DissociateMetadefResourceType.class,
      MetadefNamespaceCreated.class, MetadefNamespaceUpdated.class, MetadefNamespaceDeleted.class,
      MetadefDefinitionCreated.class, MetadefDefinitionUpdated.class, MetadefDefinitionDeleted.class,
      MetadefDefinitionsDeleted.class, MetadefResourceTypeAssociated.class, MetadefResourceTypeDissociated.class,
      // network
      CreateNetwork.class, UpdateNetwork.class, DeleteNetwork.class,
      CreateSubnet.class, UpdateSubnet.class, DeleteSubnet.class,
      CreatePort.class, UpdatePort.class, DeletePort.class,
      NetworkCreated.class, NetworkUpdated.class, NetworkDeleted.class,
      SubnetCreated.class, SubnetUpdated.class, SubnetDeleted.class,
      PortCreated.class, PortUpdated.class, PortDeleted.class,
      EnsureDefaultSecurityGroup.class, CreateSecurityGroup.class, UpdateSecurityGroup.class, DeleteSecurityGroup.class,
      CreateSecurityGroupRule.class, DeleteSecurityGroupRule.class,
      SecurityGroupCreated.class, SecurityGroupUpdated.class, SecurityGroupDeleted.class,
      SecurityGroupRuleCreated.class, SecurityGroupRuleDeleted.class,
      CreateRouter.class, UpdateRouter.class, DeleteRouter.class, AddRouterInterface.class, RemoveRouterInterface.class,
      RouterCreated.class, RouterUpdated.class, RouterDeleted.class, RouterInterfaceAdded.class, RouterInterfaceRemoved.class,
      CreateFloatingIp.class, UpdateFloatingIp.class, DeleteFloatingIp.class,
      FloatingIpCreated.class, FloatingIpUpdated.class, FloatingIpDeleted.class,
      SetNetworkQuota.class, NetworkQuotaSet.class,
      // compute
      SeedFlavors.class, CreateFlavor.class, UpdateFlavor.class, DeleteFlavor.class, SetFlavorExtraSpecs.class,
      UnsetFlavorExtraSpec.class, AddFlavorAccess.class, RemoveFlavorAccess.class,
      FlavorCreated.class, FlavorUpdated.class, FlavorDeleted.class, FlavorAccessAdded.class, FlavorAccessRemoved.class,
      CreateKeypair.class, DeleteKeypair.class, KeypairCreated.class, KeypairDeleted.class,
      SetComputeQuota.class, ComputeQuotaSet.class, SetComputeServiceStatus.class, ComputeServiceStatusChanged.class,
      SetComputeServiceForcedDown.class, ComputeServiceForcedDownChanged.class,
      CreateServer.class, DeleteServer.class, UpdateServer.class, SetServerMetadata.class, DeleteServerMetadataItem.class,
      ReleaseServerQuota.class,
      InstanceRequested.class, QuotaReserved.class, QuotaReleased.class, InstanceDeleteRequested.class,
      InstanceUpdated.class, ServerMetadataChanged.class,
      InstanceScheduled.class, InstanceNetworked.class, InstanceActive.class, InstanceFailed.class, InstanceDeleted.class,
      ChangeServerPower.class, InstancePowerActionStarted.class, InstancePowerActionDone.class, InstancePowerActionFailed.class,
      SnapshotServer.class, InstanceSnapshotStarted.class, InstanceSnapshotDone.class, InstanceSnapshotFailed.class,
      LockServer.class, InstanceLocked.class, InstanceUnlocked.class,
      ResetServerState.class, InstanceStateReset.class,
      RebuildServer.class, InstanceRebuildStarted.class, InstanceRebuilt.class, InstanceRebuildFailed.class,
      CreateServerGroup.class, ServerGroupCreated.class, DeleteServerGroup.class, ServerGroupDeleted.class,
      CreateAggregate.class, UpdateAggregate.class, DeleteAggregate.class, AddAggregateHost.class, RemoveAggregateHost.class,
      SetAggregateMetadata.class, AggregateCreated.class, AggregateUpdated.class, AggregateDeleted.class,
      // host agents
      HostRegistered.class, HostInventoryReported.class, HostHeartbeat.class, HostStopped.class, HostLivenessChanged.class,
      SpawnInstance.class, DestroyInstance.class, PowerInstance.class,
      InstanceSpawned.class, InstanceSpawnFailed.class, InstanceDestroyed.class, InstancePowerChanged.class,
      InstanceActionFailed.class, ImageCached.class, SnapshotInstance.class, InstanceSnapshotted.class);
}
