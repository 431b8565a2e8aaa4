package io.pks.operator.sandbox;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.utils.Serialization;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMergePatchTest {

  private static JsonNode json(String text) throws JsonProcessingException {
    return Serialization.jsonMapper().readTree(text.replace('\'', '"'));
  }

  /** The examples of RFC 7386, appendix A. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'a':'b'}                | {'a':'c'}               | {'a':'c'}",
      "{'a':'b'}                | {'b':'c'}               | {'a':'b','b':'c'}",
      "{'a':'b'}                | {'a':null}              | {}",
      "{'a':'b','b':'c'}        | {'a':null}              | {'b':'c'}",
      "{'a':['b']}              | {'a':'c'}               | {'a':'c'}",
      "{'a':'c'}                | {'a':['b']}             | {'a':['b']}",
      "{'a':{'b':'c'}}          | {'a':{'b':'d','c':null}} | {'a':{'b':'d'}}",
      "{'a':[{'b':'c'}]}        | {'a':[1]}               | {'a':[1]}",
      "['a','b']                | ['c','d']               | ['c','d']",
      "{'a':'b'}                | ['c']                   | ['c']",
      "{'a':'foo'}              | null                    | null",
      "{'a':'foo'}              | 'bar'                   | 'bar'",
      "{'e':null}               | {'a':1}                 | {'e':null,'a':1}",
      "[1,2]                    | {'a':'b','c':null}      | {'a':'b'}",
      "{}                       | {'a':{'bb':{'ccc':null}}} | {'a':{'bb':{}}}"})
  void patchesAsRfc7386Says(String target, String patch, String result) throws JsonProcessingException {
    assertThat(JsonMergePatch.apply(json(target), json(patch))).isEqualTo(json(result));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{'spec':{'unschedulable':true}}                    | true",
      "{'spec':{'unschedulable':null}}                    | true",
      "{'spec':{'containers':[{'name':'a'}]}}             | false",
      "{'metadata':{'$retainKeys':['labels']}}            | false",
      "{'$setElementOrder/containers':[{'name':'a'}]}     | false"})
  void aStrategicMergePatchReadsAsAJsonMergePatchWithoutListsNorDirectives(String patch, boolean same)
      throws JsonProcessingException {
    assertThat(JsonMergePatch.strategicReadsAsMerge(json(patch))).isEqualTo(same);
  }
}
