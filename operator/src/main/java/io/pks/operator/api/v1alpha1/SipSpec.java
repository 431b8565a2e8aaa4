package io.pks.operator.api.v1alpha1;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which SIP proxy pods receive traffic: those of the active site. */
@ValidationRule(value = SpecRules.CEL_SIP_POD_SELECTOR,
    message = "spec.sip.podSelector: keys and values must be valid label keys and values")
public record SipSpec(
    @JsonPropertyDescription("Labels of the SIP proxy pods of both sites (same namespace);"
        + " default app.kubernetes.io/name=pks-sip.")
    @Size(max = SpecRules.MAX_SELECTOR_LABELS)
    Map<String, @Size(max = SpecRules.MAX_LABEL_VALUE) String> podSelector,
    @Default(SipSpec.DEFAULT_SITE_LABEL)
    @Pattern(SpecRules.LABEL_KEY)
    @Size(max = SpecRules.MAX_LABEL_KEY)
    @JsonPropertyDescription("Label on a SIP pod whose value is its site (a member name).")
    String siteLabel,
    @Default(SipSpec.FOLLOW_PRIMARY)
    @Size(max = SpecRules.MAX_MEMBER_NAME)
    @JsonPropertyDescription("FollowPrimary sends SIP to the site of the current primary (moved only"
        + " after a promotion succeeded); a member name pins SIP to that site.")
    String active,
    @JsonPropertyDescription("Type and ports of the <pair>-sip Service.")
    SipServiceSpec service) {

  public static final String FOLLOW_PRIMARY = "FollowPrimary";
  static final String DEFAULT_SITE_LABEL = "pks.io/site";

  public SipSpec {
    podSelector = podSelector == null || podSelector.isEmpty()
        ? Map.of("app.kubernetes.io/name", "pks-sip") : Values.map(podSelector);
    siteLabel = siteLabel == null ? DEFAULT_SITE_LABEL : siteLabel;
    active = active == null ? FOLLOW_PRIMARY : active;
    service = service == null ? SipServiceSpec.defaults() : service;
  }

  public static SipSpec defaults() {
    return new SipSpec(null, null, null, null);
  }

  public boolean followsPrimary() {
    return FOLLOW_PRIMARY.equals(active);
  }
}
