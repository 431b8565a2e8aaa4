package io.pks.operator.api.v1alpha1;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The PksReplicaPair CRD as the Fabric8 generator wrote it at build time, with two corrections. The
 * generator sorts printer columns by JSON path, and kubectl prints them in CRD order, so they are
 * put back in the order the class declares them (PRIMARY, STANDBY, SIP, PHASE, SYNC, LAG, AGE). And
 * it writes no pattern or minimum on an int-or-string, so the resource quantities get theirs here
 * (see {@link ResourcesSchema}).
 */
public final class Crd {
  private Crd() {
  }

  public static final String GENERATED_RESOURCE = "/META-INF/fabric8/" + PksReplicaPair.CRD_NAME + "-v1.yml";
  public static final String FILE_NAME = PksReplicaPair.CRD_NAME + "-v1.yml";

  public static CustomResourceDefinition load() {
    try (InputStream in = Crd.class.getResourceAsStream(GENERATED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(GENERATED_RESOURCE + " is missing: build with mvn package");
      }
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      List<String> order = Arrays.stream(PksReplicaPair.class.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name)
          .toList();
      crd.getSpec().getVersions().forEach(version -> version.getAdditionalPrinterColumns()
          .sort(Comparator.comparingInt((CustomResourceColumnDefinition column) -> order.indexOf(column.getName()))));
      boundQuantities(crd);
      return crd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void boundQuantities(CustomResourceDefinition crd) {
    JSONSchemaProps resources = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec").getProperties().get("postgres").getProperties().get("resources");
    for (String quantities : List.of("requests", "limits")) {
      JSONSchemaProps quantity = resources.getProperties().get(quantities).getAdditionalProperties().getSchema();
      quantity.setPattern(SpecRules.RESOURCE_QUANTITY);
      quantity.setMinimum(0.0);
    }
  }

  /** The YAML committed under crds/ and shipped in the Helm chart. */
  public static String yaml() {
    return "# Generated from the Java API by the Fabric8 CRD generator (mvn package). Do not edit.\n"
        + Serialization.asYaml(load());
  }
}
