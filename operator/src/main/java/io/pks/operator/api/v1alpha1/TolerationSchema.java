package io.pks.operator.api.v1alpha1;

import io.fabric8.generator.annotation.Size;

/**
 * The CRD's schema of a toleration: Kubernetes' own, with the bounds the API server's CEL cost
 * estimate needs on every string a rule reaches. Never instantiated: the API reads {@link
 * io.fabric8.kubernetes.api.model.Toleration}.
 */
record TolerationSchema(
    @Size(max = SpecRules.MAX_LABEL_KEY) String key,
    @Size(max = SpecRules.MAX_TOLERATION_WORD) String operator,
    @Size(max = SpecRules.MAX_LABEL_VALUE) String value,
    @Size(max = SpecRules.MAX_TOLERATION_WORD) String effect,
    Long tolerationSeconds) {
}
