package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where backups and archived WAL are kept: a bucket (and a prefix in it) of an S3-compatible store.
 * Credentials come only from Secrets, which the members mount as files.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = SpecRules.CEL_ENDPOINT_NOT_AN_ADDRESS,
    message = "endpoint: must name the host, not an IP address: pgBackRest verifies the store's"
        + " certificate by name")
@ValidationRule(value = SpecRules.CEL_S3_PATH_NO_PARENT, message = "path: must not hold '..'")
public record ObjectStore(
    @Required
    @Pattern(SpecRules.S3_ENDPOINT)
    @Size(max = SpecRules.MAX_S3_ENDPOINT)
    @JsonPropertyDescription("URL of the S3-compatible endpoint, https://host[:port]; pgBackRest"
        + " speaks only HTTPS to a store.")
    String endpoint,
    @Required
    @Pattern(SpecRules.S3_BUCKET)
    @JsonPropertyDescription("Bucket holding the backups.")
    String bucket,
    @Pattern(SpecRules.S3_PATH)
    @Size(max = SpecRules.MAX_S3_PATH)
    @JsonPropertyDescription("Prefix inside the bucket, e.g. telephony/pks; the bucket's root when"
        + " absent.")
    String path,
    @Pattern(SpecRules.S3_REGION)
    @JsonPropertyDescription("Region of the bucket; us-east-1 when absent (what most"
        + " S3-compatible stores accept).")
    String region,
    @Required
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("Secret in the pair's namespace with the keys accessKeyId and"
        + " secretAccessKey.")
    String credentialsSecret,
    @Pattern(SpecRules.DNS_SUBDOMAIN)
    @Size(max = SpecRules.MAX_OBJECT_NAME)
    @JsonPropertyDescription("Secret in the pair's namespace with the key ca.crt, the CA that signed"
        + " the endpoint's certificate; the system's CAs when absent.")
    String caSecret) {

  public static final String DEFAULT_REGION = "us-east-1";
  public static final String ACCESS_KEY_ID = "accessKeyId";
  public static final String SECRET_ACCESS_KEY = "secretAccessKey";
  public static final String CA_CERT = "ca.crt";

  /** The region pgBackRest signs requests for. */
  public String regionOrDefault() {
    return region == null || region.isBlank() ? DEFAULT_REGION : region;
  }

  /** The prefix inside the bucket as pgBackRest's repo1-path wants it: absolute, no trailing '/'. */
  public String repositoryPath() {
    String trimmed = path == null ? "" : path.replaceAll("^/+|/+$", "");
    return "/" + trimmed;
  }
}
