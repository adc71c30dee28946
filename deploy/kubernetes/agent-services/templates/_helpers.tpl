{{/* The labels every resource of this chart carries. */}}
{{- define "agent-services.labels" -}}
app.kubernetes.io/part-of: agent-services
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{/* A peer: pods of one service of this release. */}}
{{- define "agent-services.service" -}}
podSelector:
  matchLabels:
    app.kubernetes.io/name: {{ . }}
{{- end }}

{{/* An ipBlock list from {cidrs, except}. */}}
{{- define "agent-services.ipBlocks" -}}
{{- $except := .except -}}
{{- range .cidrs }}
- ipBlock:
    cidr: {{ . }}
    {{- if $except }}
    except:
      {{- range $except }}
      - {{ . }}
      {{- end }}
    {{- end }}
{{- end }}
{{- end }}

{{/* TCP ports from a list. */}}
{{- define "agent-services.ports" -}}
{{- range . }}
- protocol: TCP
  port: {{ . }}
{{- end }}
{{- end }}
