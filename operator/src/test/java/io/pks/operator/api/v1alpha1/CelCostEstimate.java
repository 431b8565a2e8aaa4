package io.pks.operator.api.v1alpha1;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

/**
 * The API server's static estimate of a CEL rule's worst-case cost, ported from its sources for the
 * parts our rules use: cel-go's checker/cost.go (the cost of each expression kind and of the
 * standard functions) with the size estimator of apiextensions-apiserver's schema/cel package (the
 * largest size of what a rule reads, from the schema: maxLength times 4 for strings, maxItems,
 * maxProperties, the longest enum value; without a bound, what fits in a 3 MiB request).
 *
 * <p>What it covers: literals, identifiers, field selection and presence tests, the macros all,
 * exists and exists_one (with cel-go's expansion, which cel-java's parser shares), indexing, the
 * logical and conditional operators, comparisons, {@code in}, size, string conversion, matches,
 * startsWith, endsWith and contains; any other function costs 1 plus its arguments, as cel-go's
 * default. Only the maximum is computed, the figure the API server compares with its limits. Where
 * Kubernetes versions differ it takes the older, larger estimate: an int-or-string's maxLength is
 * ignored (Kubernetes 1.34 began to honour it). A map key is read at size 0, as the API server
 * does: the schema gives keys no type of their own.
 *
 * <p>Besides the cost, it lists every string, list and map the rule reads (selects, indexes or
 * iterates) that has no bound, exactly, from the rule's syntax tree.
 */
final class CelCostEstimate {
  /** apiextensions validation: StaticEstimatedCostLimit, per rule (times its cardinality). */
  static final long PER_RULE_LIMIT = 10_000_000L;
  /** apiextensions validation: StaticEstimatedCRDCostLimit, all rules of a CRD together. */
  static final long CRD_LIMIT = 100_000_000L;
  /** apiserver/pkg/cel: DefaultMaxRequestSizeBytes, which bounds what has no bound of its own. */
  private static final long MAX_REQUEST_SIZE_BYTES = 3L * 1024 * 1024;
  private static final long UNKNOWN = Long.MAX_VALUE;
  private static final double STRING_TRAVERSAL_COST_FACTOR = 0.1;
  private static final double REGEX_STRING_LENGTH_COST_FACTOR = 0.25;
  private static final long LIST_CREATE_BASE_COST = 10;
  private static final long MAP_CREATE_BASE_COST = 30;
  private static final long STRUCT_CREATE_BASE_COST = 40;
  /** A map key: a string the schema cannot bound, with the API server's MaxElements of 0. */
  private static final JSONSchemaProps MAP_KEY = new JSONSchemaProps();

  static {
    MAP_KEY.setType("string");
    MAP_KEY.setMaxLength(0L);
  }

  private enum Kind { OBJECT, MAP, LIST, STRING, INT, BOOL, DOUBLE, DYN, NULL }

  /** The rule's cost and the unbounded strings, lists and maps it reads, by schema path. */
  record Estimate(long cost, List<String> unboundedReads) {
  }

  /**
   * What evaluating an expression costs and what it yields: its path from the rule's node (cel-go's
   * field path, whose first element is a variable), its schema node when it has one, its size when
   * the expression itself tells it (a literal, a call's result).
   */
  private record Value(long cost, List<String> path, Kind kind, JSONSchemaProps schema, String where,
      Long size, Long itemSize) {
  }

  private record Local(List<String> path, Kind kind, JSONSchemaProps schema, String where, Long size) {
  }

  private final JSONSchemaProps root;
  private final String rootWhere;
  private final Map<String, Deque<Local>> locals = new HashMap<>();
  private final TreeSet<String> unboundedReads = new TreeSet<>();

  private CelCostEstimate(JSONSchemaProps root, String rootWhere) {
    this.root = root;
    this.rootWhere = rootWhere;
  }

  /** The estimate of {@code rule} declared on the schema node {@code node} found at {@code where}. */
  static Estimate of(String rule, JSONSchemaProps node, String where) {
    CelExpr expr;
    try {
      expr = CrdSchemaCheck.COMPILER.compile(rule).getAst().getExpr();
    } catch (CelValidationException e) {
      throw new AssertionError("CEL rule does not compile: " + rule, e);
    }
    CelCostEstimate estimate = new CelCostEstimate(node, where);
    long cost = estimate.eval(expr).cost();
    return new Estimate(cost, List.copyOf(estimate.unboundedReads));
  }

  /**
   * How many times the API server counts a rule declared under these ancestors: the product of the
   * maxItems and maxProperties of every list and map on the way; {@link Long#MAX_VALUE} when one has
   * none.
   */
  static long cardinality(List<JSONSchemaProps> ancestors) {
    long cardinality = 1;
    for (JSONSchemaProps ancestor : ancestors) {
      if ("array".equals(ancestor.getType())) {
        cardinality = ancestor.getMaxItems() == null ? UNKNOWN : multiply(cardinality, ancestor.getMaxItems());
      } else if (isMap(ancestor)) {
        cardinality = ancestor.getMaxProperties() == null ? UNKNOWN
            : multiply(cardinality, ancestor.getMaxProperties());
      }
    }
    return cardinality;
  }

  static long multiply(long a, long b) {
    if (a != 0 && b > UNKNOWN / a) {
      return UNKNOWN;
    }
    return a * b;
  }

  static long add(long a, long b) {
    return b > UNKNOWN - a ? UNKNOWN : a + b;
  }

  private static long factor(long size, double factor) {
    if (size == UNKNOWN) {
      return UNKNOWN;
    }
    return (long) Math.ceil(size * factor);
  }

  private Value eval(CelExpr e) {
    return switch (e.getKind()) {
      case CONSTANT -> constant(e.constant());
      case IDENT -> ident(e.ident().name());
      case SELECT -> select(e.select());
      case CALL -> call(e.call());
      case LIST -> list(e.list().elements());
      case MAP -> created(MAP_CREATE_BASE_COST, e.map().entries().stream()
          .mapToLong(entry -> add(eval(entry.key()).cost(), eval(entry.value()).cost())).reduce(0, CelCostEstimate::add));
      case STRUCT -> created(STRUCT_CREATE_BASE_COST, e.struct().entries().stream()
          .mapToLong(entry -> eval(entry.value()).cost()).reduce(0, CelCostEstimate::add));
      case COMPREHENSION -> comprehension(e.comprehension());
      default -> throw new AssertionError("unexpected CEL expression " + e);
    };
  }

  private static Value created(long baseCost, long entriesCost) {
    return new Value(add(entriesCost, baseCost), List.of(), Kind.DYN, null, null, null, null);
  }

  private static Value constant(CelConstant constant) {
    return switch (constant.getKind()) {
      case STRING_VALUE -> literal(Kind.STRING, constant.stringValue().codePointCount(0, constant.stringValue().length()));
      case BYTES_VALUE -> literal(Kind.STRING, constant.bytesValue().size());
      case BOOLEAN_VALUE -> literal(Kind.BOOL, 1);
      case INT64_VALUE, UINT64_VALUE -> literal(Kind.INT, 1);
      case DOUBLE_VALUE -> literal(Kind.DOUBLE, 1);
      default -> literal(Kind.NULL, 1);
    };
  }

  private static Value literal(Kind kind, long size) {
    return new Value(0, List.of(), kind, null, null, size, null);
  }

  private Value ident(String name) {
    Deque<Local> scope = locals.get(name);
    if (scope != null && !scope.isEmpty()) {
      Local local = scope.peek();
      return new Value(1, local.path(), local.kind(), local.schema(), local.where(), null, null);
    }
    return read(new Value(1, List.of(name), kindOf(root), root, rootWhere, null, null));
  }

  private Value select(CelExpr.CelSelect select) {
    Value operand = eval(select.operand());
    if (select.testOnly()) {
      return new Value(add(1, operand.cost()), List.of(), Kind.BOOL, null, null, null, null);
    }
    long cost = operand.kind() == Kind.OBJECT || operand.kind() == Kind.MAP ? add(operand.cost(), 1) : operand.cost();
    JSONSchemaProps child = null;
    if (operand.schema() != null) {
      child = isMap(operand.schema()) ? operand.schema().getAdditionalProperties().getSchema()
          : operand.schema().getProperties() == null ? null : operand.schema().getProperties().get(select.field());
    }
    String where = operand.where() == null ? null : operand.where() + "." + select.field();
    return read(new Value(cost, append(operand.path(), select.field()), kindOf(child), child, where, null, null));
  }

  /** Records what a rule reads when the schema gives it no bound. */
  private Value read(Value value) {
    if (value.schema() != null && isUnbounded(value.schema())) {
      unboundedReads.add(value.where());
    }
    return value;
  }

  private Value list(List<CelExpr> elements) {
    long cost = LIST_CREATE_BASE_COST;
    long itemSize = elements.isEmpty() ? 0 : -1;
    for (CelExpr element : elements) {
      Value value = eval(element);
      cost = add(cost, value.cost());
      itemSize = Math.max(itemSize, size(value));
    }
    return new Value(cost, List.of(), Kind.LIST, null, null, (long) elements.size(), itemSize);
  }

  private Value comprehension(CelExpr.CelComprehension comprehension) {
    Value range = eval(comprehension.iterRange());
    Value init = eval(comprehension.accuInit());
    push(comprehension.accuVar(), new Local(init.path(), init.kind(), null, null, size(init)));
    boolean overList = range.kind() == Kind.LIST;
    JSONSchemaProps item = range.schema() == null ? null
        : overList ? range.schema().getItems().getSchema() : MAP_KEY;
    String itemWhere = range.where() == null ? null : range.where() + (overList ? "[]" : ".<key>");
    push(comprehension.iterVar(), new Local(append(range.path(), overList ? "@items" : "@keys"),
        item == null ? Kind.DYN : kindOf(item), item, itemWhere, overList ? range.itemSize() : null));
    if (item != null) {
      read(new Value(0, List.of(), kindOf(item), item, itemWhere, null, null));
    }
    long loop = eval(comprehension.loopCondition()).cost();
    long step = eval(comprehension.loopStep()).cost();
    locals.get(comprehension.iterVar()).pop();
    long result = eval(comprehension.result()).cost();
    locals.get(comprehension.accuVar()).pop();
    long cost = add(add(range.cost(), init.cost()), add(result, multiply(size(range), add(step, loop))));
    return new Value(cost, List.of(), init.kind(), null, null, init.size(), null);
  }

  private void push(String name, Local local) {
    locals.computeIfAbsent(name, key -> new ArrayDeque<>()).push(local);
  }

  private Value call(CelExpr.CelCall call) {
    Value target = call.target().map(this::eval).orElse(null);
    List<Value> args = new ArrayList<>();
    call.args().forEach(arg -> args.add(eval(arg)));
    long argCost = args.stream().mapToLong(Value::cost).reduce(0, CelCostEstimate::add);
    long targetCost = target == null ? 0 : target.cost();
    Function<Long, Long> plusArgs = cost -> add(add(cost, argCost), targetCost);
    return switch (call.function()) {
      case "_&&_", "_||_" -> bool(argCost);
      case "_?_:_" -> new Value(add(args.get(0).cost(), Math.max(args.get(1).cost(), args.get(2).cost())),
          List.of(), args.get(1).kind(), null, null, Math.max(size(args.get(1)), size(args.get(2))), null);
      case "_==_", "_!=_" -> bool(plusArgs.apply(equality(args)));
      case "_<_", "_<=_", "_>_", "_>=_" -> bool(plusArgs.apply(
          args.get(0).kind() == Kind.STRING || args.get(0).kind() == Kind.DYN ? equality(args) : 1));
      case "@in" -> bool(plusArgs.apply(args.get(1).kind() == Kind.LIST ? size(args.get(1)) : 1));
      case "matches" -> bool(plusArgs.apply(target == null ? 1 : multiply(
          factor(add(size(target), 1), STRING_TRAVERSAL_COST_FACTOR),
          factor(size(args.get(0)), REGEX_STRING_LENGTH_COST_FACTOR))));
      case "startsWith", "endsWith" -> bool(plusArgs.apply(factor(size(args.get(0)), STRING_TRAVERSAL_COST_FACTOR)));
      case "contains" -> bool(plusArgs.apply(multiply(factor(size(target), STRING_TRAVERSAL_COST_FACTOR),
          factor(size(args.get(0)), STRING_TRAVERSAL_COST_FACTOR))));
      case "string" -> conversion(args.get(0), plusArgs);
      case "size" -> new Value(plusArgs.apply(1L), List.of(), Kind.INT, null, null, null, null);
      case "_[_]" -> index(args.get(0), plusArgs.apply(1L));
      case "_+_" -> new Value(plusArgs.apply(1L), List.of(), args.get(0).kind(), null, null, null, null);
      default -> new Value(plusArgs.apply(1L), List.of(), Kind.DYN, null, null, null, null);
    };
  }

  private static Value bool(long cost) {
    return new Value(cost, List.of(), Kind.BOOL, null, null, null, null);
  }

  /** cel-go's cost of an equality or a string comparison: a tenth of the smaller operand's size. */
  private long equality(List<Value> args) {
    return factor(Math.min(size(args.get(0)), size(args.get(1))), STRING_TRAVERSAL_COST_FACTOR);
  }

  /**
   * string(x): of a dyn (an int-or-string), every conversion overload applies, bytes_to_string
   * among them, which traverses x and yields a string of x's size.
   */
  private Value conversion(Value arg, Function<Long, Long> plusArgs) {
    if (arg.kind() == Kind.DYN) {
      long size = size(arg);
      return new Value(plusArgs.apply(Math.max(1, factor(size, STRING_TRAVERSAL_COST_FACTOR))), List.of(),
          Kind.STRING, null, null, size, null);
    }
    return new Value(plusArgs.apply(1L), List.of(), Kind.STRING, null, null, null, null);
  }

  private Value index(Value container, long cost) {
    boolean list = container.kind() == Kind.LIST;
    JSONSchemaProps element = null;
    if (container.schema() != null) {
      element = list ? container.schema().getItems().getSchema()
          : isMap(container.schema()) ? container.schema().getAdditionalProperties().getSchema() : null;
    }
    String where = container.where() == null ? null : container.where() + (list ? "[]" : ".*");
    Long size = list && container.schema() == null ? container.itemSize() : null;
    return read(new Value(cost, append(container.path(), list ? "@items" : "@values"), kindOf(element),
        element, where, size, null));
  }

  /** cel-go's computeSize with the API server's estimator: computed, literal, schema, scalar, variable. */
  private long size(Value value) {
    if (value.size() != null) {
      return value.size();
    }
    if (!value.path().isEmpty()) {
      Long estimated = schemaSize(value.path());
      if (estimated != null) {
        return estimated;
      }
    }
    if (value.kind() == Kind.BOOL || value.kind() == Kind.INT || value.kind() == Kind.DOUBLE) {
      return 1;
    }
    return UNKNOWN;
  }

  /** apiextensions' sizeEstimator: walks the path (after its variable) from the rule's node. */
  private Long schemaSize(List<String> path) {
    JSONSchemaProps node = root;
    for (String name : path.subList(1, path.size())) {
      switch (name) {
        case "@items" -> node = node.getItems() == null ? null : node.getItems().getSchema();
        case "@values" -> node = isMap(node) ? node.getAdditionalProperties().getSchema() : node.getItems() == null
            ? null : node.getItems().getSchema();
        case "@keys" -> node = isMap(node) ? MAP_KEY : null;
        default -> node = node.getProperties() == null || isMap(node) ? null : node.getProperties().get(name);
      }
      if (node == null) {
        return null;
      }
    }
    return maxElements(node);
  }

  /** apiserver/pkg/cel/common's SchemaDeclType: the MaxElements of a schema node. */
  private static long maxElements(JSONSchemaProps node) {
    if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      return MAX_REQUEST_SIZE_BYTES - 2;
    }
    return switch (String.valueOf(node.getType())) {
      case "string" -> node.getMaxLength() != null ? node.getMaxLength() * 4
          : node.getEnum() != null && !node.getEnum().isEmpty()
              ? node.getEnum().stream().mapToLong(value -> value.asText().length()).max().orElse(0)
              : MAX_REQUEST_SIZE_BYTES - 2;
      case "array" -> node.getMaxItems() != null ? node.getMaxItems()
          : (MAX_REQUEST_SIZE_BYTES - 2) / (minSerializedSize(node.getItems().getSchema()) + 1);
      case "object" -> !isMap(node) ? 0 : node.getMaxProperties() != null ? node.getMaxProperties()
          : (MAX_REQUEST_SIZE_BYTES - 2) / (minSerializedSize(node.getAdditionalProperties().getSchema()) + 6);
      default -> 0;
    };
  }

  /** The smallest JSON a node serialises to, as SchemaDeclType counts it. */
  private static long minSerializedSize(JSONSchemaProps node) {
    if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      return 1;
    }
    return switch (String.valueOf(node.getType())) {
      case "string" -> 2;
      case "boolean" -> 4;
      case "integer", "number" -> 1;
      case "object" -> isMap(node) || node.getProperties() == null ? 2 : 2 + node.getProperties().entrySet().stream()
          .filter(property -> node.getRequired() != null && node.getRequired().contains(property.getKey())
              && property.getValue().getDefault() == null)
          .mapToLong(property -> property.getKey().length() + minSerializedSize(property.getValue()) + 4)
          .sum();
      default -> 2;
    };
  }

  static boolean isMap(JSONSchemaProps node) {
    return node.getAdditionalProperties() != null && node.getAdditionalProperties().getSchema() != null;
  }

  /** Whether the API server would size the node from the request's size, for want of a bound. */
  static boolean isUnbounded(JSONSchemaProps node) {
    if (node == MAP_KEY) {
      return false;
    }
    if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      return true;
    }
    return switch (String.valueOf(node.getType())) {
      case "string" -> node.getMaxLength() == null && (node.getEnum() == null || node.getEnum().isEmpty());
      case "array" -> node.getMaxItems() == null;
      case "object" -> isMap(node) && node.getMaxProperties() == null;
      default -> false;
    };
  }

  private static Kind kindOf(JSONSchemaProps node) {
    if (node == null || Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      return Kind.DYN;
    }
    return switch (String.valueOf(node.getType())) {
      case "object" -> isMap(node) ? Kind.MAP : Kind.OBJECT;
      case "array" -> Kind.LIST;
      case "string" -> Kind.STRING;
      case "integer" -> Kind.INT;
      case "boolean" -> Kind.BOOL;
      case "number" -> Kind.DOUBLE;
      default -> Kind.DYN;
    };
  }

  private static List<String> append(List<String> path, String element) {
    List<String> longer = new ArrayList<>(path);
    longer.add(element);
    return longer;
  }
}
