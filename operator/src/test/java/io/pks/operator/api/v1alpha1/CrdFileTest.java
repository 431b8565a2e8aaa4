package io.pks.operator.api.v1alpha1;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.pks.operator.GeneratedFiles;

class CrdFileTest {

  @Test
  void committedCrdIsTheGeneratedOne() {
    GeneratedFiles.assertCommitted(Path.of("crds", Crd.FILE_NAME), Crd.yaml());
  }
}
