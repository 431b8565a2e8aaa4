{{/* Name of the objects: the release name, with the chart name added unless it already holds it. */}}
{{- define "pks-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pks-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pks-operator.labels" -}}
{{ include "pks-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "pks-operator.serviceAccountName" -}}
{{- default (include "pks-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "pks-operator.subjects" -}}
- kind: ServiceAccount
  name: {{ include "pks-operator.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end -}}

{{/* Leader election whenever more than one replica runs: only the Lease holder reconciles. */}}
{{- define "pks-operator.leaderElection" -}}
{{- if gt (int .Values.replicaCount) 1 }}true{{ end -}}
{{- end -}}

{{/*
What the operator does to the API, resource by resource; the chart's tests compare these rules with
the requests the operator sends while it drives pairs.
*/}}
{{- define "pks-operator.rules" -}}
- apiGroups: ["pks.io"]
  resources: ["pksreplicapairs"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["pks.io"]
  resources: ["pksreplicapairs/status"]
  verbs: ["patch", "update"]
- apiGroups: [""]
  resources: ["secrets", "configmaps", "services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  # No get: the role label is a merge patch on the cached pod, which reads nothing first.
  verbs: ["list", "watch", "patch"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: [""]
  resources: ["events"]
  # get: a repeated Event is counted on the one already written (Fabric8 reads it before patching).
  verbs: ["get", "create", "patch"]
{{- end -}}

{{/*
Nodes, watched to see a primary's node cordoned (a drain beginning) and switch over first.
*/}}
{{- define "pks-operator.nodeRules" -}}
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["list", "watch"]
{{- end -}}

{{/* The heap sizing.pairs need, in MiB (values.yaml, sizing). */}}
{{- define "pks-operator.heapMi" -}}
{{- add .Values.sizing.heapBaseMi (div (mul .Values.sizing.pairs .Values.sizing.heapPerPairKi) 1024) -}}
{{- end }}

{{/* The container's memory request and limit for sizing.pairs: the heap and what the JVM needs beside it. */}}
{{- define "pks-operator.memory" -}}
{{- add (include "pks-operator.heapMi" . | atoi) .Values.sizing.nonHeapMi }}Mi
{{- end }}
