package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/**
 * Where backups and archived WAL are kept: a bucket (and a prefix in it) of an S3-compatible store.
 * Credentials come only from Secrets, which the members mount as files.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectStore(
    @Required
    @JsonPropertyDescription("URL of the S3-compatible endpoint, https://host[:port]; pgBackRest"
        + " speaks only HTTPS to a store.")
    String endpoint,
    @Required
    @JsonPropertyDescription("Bucket holding the backups.")
    String bucket,
    @JsonPropertyDescription("Prefix inside the bucket, e.g. telephony/pks; the bucket's root when"
        + " absent.")
    String path,
    @JsonPropertyDescription("Region of the bucket; us-east-1 when absent (what most"
        + " S3-compatible stores accept).")
    String region,
    @Required
    @JsonPropertyDescription("Secret in the pair's namespace with the keys accessKeyId and"
        + " secretAccessKey.")
    String credentialsSecret,
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
