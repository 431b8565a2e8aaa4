package io.pks.operator.api.v1alpha1;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.DATE;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.INTEGER;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.STRING;

/**
 * An active/passive pair of PostgreSQL sites behind a SIP platform: one primary, one streaming
 * standby, and the Service that sends SIP traffic to the active site.
 */
@Group(PksReplicaPair.GROUP)
@Version(PksReplicaPair.VERSION)
@Kind("PksReplicaPair")
@Plural("pksreplicapairs")
@Singular("pksreplicapair")
@ShortNames({"pksrp", "pkspair"})
@Categories("pks")
@AdditionalPrinterColumn(name = "PRIMARY", jsonPath = ".status.currentPrimary", type = STRING)
@AdditionalPrinterColumn(name = "STANDBY", jsonPath = ".status.standby", type = STRING)
@AdditionalPrinterColumn(name = "SIP", jsonPath = ".status.activeSip", type = STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = STRING)
@AdditionalPrinterColumn(name = "SYNC", jsonPath = ".status.replication.syncState", type = STRING)
@AdditionalPrinterColumn(name = "LAG", jsonPath = ".status.replication.lagBytes", type = INTEGER)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = DATE)
public class PksReplicaPair extends CustomResource<PksReplicaPairSpec, PksReplicaPairStatus>
    implements Namespaced {

  public static final String GROUP = "pks.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "pksreplicapairs." + GROUP;
  /**
   * A switchover request outside the spec ({@code kubectl pks switchover}): the member to promote.
   * The operator removes it once the status names that member as current or target primary.
   */
  public static final String SWITCHOVER_ANNOTATION = GROUP + "/switchover";
  /**
   * A request to re-seed a member (the standby only): {@code <member>/<request id>}, the id making
   * each request new (kubectl pks reseed uses the time). The status records the value acted on.
   */
  public static final String RESEED_ANNOTATION = GROUP + "/reseed";
  /**
   * A request for a base backup (spec.backup): any value new to the status (kubectl pks backup uses
   * the time). The status records the value acted on before the backup starts.
   */
  public static final String BACKUP_ANNOTATION = GROUP + "/backup";
  /**
   * A request for a rolling restart: {@code <member>/<request id>} restarts that member,
   * {@code /<request id>} both (kubectl pks restart uses the time as the id). The status records
   * the value acted on and the members it still has to restart.
   */
  public static final String RESTART_ANNOTATION = GROUP + "/restart";
  /**
   * A request for pg_reload_conf() on both members now: any value new to the status (kubectl pks
   * reload uses the time). The status records the value acted on and when.
   */
  public static final String RELOAD_ANNOTATION = GROUP + "/reload";
  /**
   * The members to keep fenced (stopped, for maintenance): {@code <member>[/force],...}, read by
   * {@link FenceRequest}. The status records the value acted on and the members fenced.
   */
  public static final String FENCE_ANNOTATION = GROUP + "/fence";

  /**
   * Reads a spec as strictly as a structural schema does: no string for a number or a number for a
   * string, no fraction for an integer, no ordinal for an enum, no unknown field (a misspelt
   * {@code synchronus: Required} silently ignored would weaken the pair).
   */
  private static final ObjectMapper SPEC_READER = JsonMapper.builder()
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .withCoercionConfig(LogicalType.Textual, config -> config
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  @JsonIgnore
  private UnreadableSpec unreadableSpec;

  /**
   * Reads spec without ever failing. An informer that cannot read one resource stops delivering all
   * of them (Fabric8 closes the watch and re-lists, which fails again), so one resource with a field
   * of the wrong type would stop the operator serving every pair. An API server's structural schema
   * refuses such a resource; the operator must survive it all the same: the spec is then null and
   * kept as written in {@link #unreadableSpec()}, which the validator reports.
   */
  @JsonSetter("spec")
  void readSpec(JsonNode json) {
    setSpec(null);
    if (json == null || json.isNull()) {
      return;
    }
    try {
      setSpec(SPEC_READER.treeToValue(json, PksReplicaPairSpec.class));
    } catch (JsonProcessingException e) {
      unreadableSpec = new UnreadableSpec(json, e);
    }
  }

  /**
   * Writes a null spec as it was read when it was unreadable: JOSDK clones each resource (through
   * JSON) before reconciling it, and the clone must carry the same spec and error. Hence ALWAYS: a
   * spec that was absent is written as null, which reads back as absent.
   */
  @Override
  @Required
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonSerialize(nullsUsing = SpecAsWritten.class)
  public PksReplicaPairSpec getSpec() {
    return super.getSpec();
  }

  @Override
  public void setSpec(PksReplicaPairSpec spec) {
    super.setSpec(spec);
    unreadableSpec = null;
  }

  /** The spec as written when it is not a valid PksReplicaPairSpec document; then getSpec() is null. */
  public Optional<UnreadableSpec> unreadableSpec() {
    return Optional.ofNullable(unreadableSpec);
  }

  /** Writes the spec of the pair being written as it was read: the unreadable one, or null. */
  static final class SpecAsWritten extends JsonSerializer<Object> {
    @Override
    public void serialize(Object nullSpec, JsonGenerator generator, SerializerProvider provider) throws IOException {
      if (generator.currentValue() instanceof PksReplicaPair pair && pair.unreadableSpec != null) {
        generator.writeTree(pair.unreadableSpec.asWritten());
      } else {
        generator.writeNull();
      }
    }
  }

  /** The member {@link #SWITCHOVER_ANNOTATION} asks for; empty without one. */
  public Optional<String> switchoverAnnotation() {
    return annotation(SWITCHOVER_ANNOTATION);
  }

  /** The value of {@link #RESEED_ANNOTATION}; empty without one. */
  public Optional<String> reseedAnnotation() {
    return annotation(RESEED_ANNOTATION);
  }

  /** The value of {@link #BACKUP_ANNOTATION}; empty without one. */
  public Optional<String> backupAnnotation() {
    return annotation(BACKUP_ANNOTATION);
  }

  /** The value of {@link #RESTART_ANNOTATION}; empty without one. */
  public Optional<String> restartAnnotation() {
    return annotation(RESTART_ANNOTATION);
  }

  /** The value of {@link #RELOAD_ANNOTATION}; empty without one. */
  public Optional<String> reloadAnnotation() {
    return annotation(RELOAD_ANNOTATION);
  }

  /** The members {@link #FENCE_ANNOTATION} asks to fence; none without it. */
  public FenceRequest fenceAnnotation() {
    return FenceRequest.parse(annotation(FENCE_ANNOTATION).orElse(null));
  }

  private Optional<String> annotation(String name) {
    return Optional.ofNullable(getMetadata().getAnnotations()).map(a -> a.get(name));
  }

  /** namespace/name, the prefix of every log line about this pair. */
  public String ref() {
    return getMetadata().getNamespace() + "/" + getMetadata().getName();
  }
}
