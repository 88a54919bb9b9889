{{/*
The chart's name, truncated to 63 characters (the DNS label limit of some Kubernetes name fields).
*/}}
{{- define "otelhub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of the release's objects: <release>-<chart>, or just <release> when the release name already
contains the chart's name.
*/}}
{{- define "otelhub.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "otelhub.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "otelhub.labels" -}}
helm.sh/chart: {{ include "otelhub.chart" . }}
{{ include "otelhub.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "otelhub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "otelhub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "otelhub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "otelhub.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
"true" in full YAML mode (otelhubConfig set), "" in drop-in mode.
*/}}
{{- define "otelhub.fullConfig" -}}
{{- if .Values.otelhubConfig }}true{{ end }}
{{- end }}

{{- define "otelhub.satSecretName" -}}
{{- if .Values.satAuth.create }}
{{- default (printf "%s-sat" (include "otelhub.fullname" .)) .Values.satAuth.secretName }}
{{- else }}
{{- required "satAuth.secretName is required when satAuth.enabled=true, satAuth.create=false and satAuth.projected.enabled=false" .Values.satAuth.secretName }}
{{- end }}
{{- end }}

{{- define "otelhub.x509SecretName" -}}
{{- if .Values.x509Auth.create }}
{{- default (printf "%s-x509" (include "otelhub.fullname" .)) .Values.x509Auth.secretName }}
{{- else }}
{{- required "x509Auth.secretName is required when x509Auth.enabled=true and x509Auth.create=false" .Values.x509Auth.secretName }}
{{- end }}
{{- end }}

{{/*
Where the broker's CA comes from: "trustBundle" (caTrustBundle.configMapName), "x509" (the X.509 Secret's CA, which
wins over the SAT Secret's, as in the original chart), "sat" (the SAT Secret's), or "" (none: the system's roots).
A created Secret only has a CA when one was given. (Drop-in mode turns TLS on whenever a SAT, CA or key pair path is
set, whatever MQTT_USE_TLS says, as the original did: so the CA is passed on whenever there is one.)
*/}}
{{- define "otelhub.caSource" -}}
{{- $x509 := .Values.x509Auth }}
{{- $sat := .Values.satAuth }}
{{- if .Values.caTrustBundle.configMapName }}trustBundle
{{- else if and $x509.enabled $x509.caCertKey (or (not $x509.create) $x509.secret.caCert) }}x509
{{- else if and $sat.enabled (not $sat.projected.enabled) $sat.caCertKey (or (not $sat.create) $sat.secret.caCert) }}sat
{{- end }}
{{- end }}

{{/*
The file MQTT_CA_CERT_PATH names, "" when there is no CA.
*/}}
{{- define "otelhub.caPath" -}}
{{- $source := include "otelhub.caSource" . }}
{{- if eq $source "trustBundle" }}
{{- printf "%s/%s" (trimSuffix "/" .Values.caTrustBundle.mountPath) .Values.caTrustBundle.key }}
{{- else if eq $source "x509" }}
{{- printf "%s/%s" (trimSuffix "/" .Values.x509Auth.mountPath) .Values.x509Auth.caCertKey }}
{{- else if eq $source "sat" }}
{{- printf "%s/%s" (trimSuffix "/" .Values.satAuth.mountPath) .Values.satAuth.caCertKey }}
{{- end }}
{{- end }}

{{/*
The health endpoint's port, as an integer string.
*/}}
{{- define "otelhub.healthPort" -}}
{{- int (default 8080 .Values.config.health.port) }}
{{- end }}

{{/*
A value as an environment variable's string. Helm reads every number of a values file as a float64, which toString
prints in scientific notation from 1e+06 on (86400000 -> "8.64e+07"): a whole float64 is printed as an integer.
*/}}
{{- define "otelhub.str" -}}
{{- if and (kindIs "float64" .) (eq . (float64 (int64 .))) }}
{{- int64 . }}
{{- else if kindIs "invalid" . }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/*
"true" when an address's host (the part before the last ":") is a loopback one, which the kubelet's probes and
Prometheus cannot reach from outside the pod.
*/}}
{{- define "otelhub.isLoopback" -}}
{{- $host := regexReplaceAll ":[^:]*$" (toString .) "" | trimPrefix "[" | trimSuffix "]" | lower }}
{{- if or (eq $host "localhost") (eq $host "::1") (hasPrefix "127." $host) (eq $host "0:0:0:0:0:0:0:1") }}true{{ end }}
{{- end }}

{{/*
Refuses combinations that cannot work, each with the value to change. Renders nothing.
*/}}
{{- define "otelhub.validate" -}}
{{- $full := include "otelhub.fullConfig" . }}
{{- $sat := .Values.satAuth }}
{{- $x509 := .Values.x509Auth }}
{{- $healthPort := include "otelhub.healthPort" . }}
{{- if and (not (kindIs "map" .Values.otelhubConfig)) (not (kindIs "invalid" .Values.otelhubConfig)) }}
{{- fail "otelhubConfig must be a map: the otelhub configuration (receivers, processors, exporters, service)" }}
{{- end }}
{{- include "otelhub.validateScale" . }}
{{- if $sat.enabled }}
{{- if and $sat.create $sat.projected.enabled }}
{{- fail "satAuth.create and satAuth.projected.enabled exclude each other: a projected token needs no Secret" }}
{{- end }}
{{- if and $sat.projected.enabled (lt (int $sat.projected.expirationSeconds) 600) }}
{{- fail (printf "satAuth.projected.expirationSeconds must be at least 600 (Kubernetes' minimum), not %v" $sat.projected.expirationSeconds) }}
{{- end }}
{{- if not $sat.tokenKey }}
{{- fail "satAuth.tokenKey is required: the token's file name (sat.token)" }}
{{- end }}
{{- end }}
{{- if $x509.enabled }}
{{- if or (not $x509.certKey) (not $x509.keyKey) }}
{{- fail "x509Auth.certKey and x509Auth.keyKey are required (tls.crt and tls.key in a kubernetes.io/tls Secret)" }}
{{- end }}
{{- if eq (toString $x509.certKey) (toString $x509.keyKey) }}
{{- fail (printf "x509Auth.certKey and x509Auth.keyKey must differ (both are %s)" $x509.certKey) }}
{{- end }}
{{- end }}
{{- if .Values.console.enabled }}
{{- if or (eq (int .Values.console.port) (int $healthPort)) (eq (int .Values.console.port) (int .Values.metrics.port)) }}
{{- fail (printf "console.port (%v) must differ from config.health.port and metrics.port" .Values.console.port) }}
{{- end }}
{{- end }}
{{- /* Checked even with metrics.enabled=false: the hub serves its metrics on metrics.port all the same. */}}
{{- if eq (int .Values.metrics.port) (int $healthPort) }}
{{- fail (printf "metrics.port and config.health.port must differ (both are %s): the hub serves its metrics on metrics.port even with metrics.enabled=false" $healthPort) }}
{{- end }}
{{- $mounts := dict "/tmp" "the chart's /tmp emptyDir" }}
{{- if $full }}
{{- $_ := set $mounts "/etc/otelhub" "the chart's configuration (full YAML mode)" }}
{{- end }}
{{- $candidates := list }}
{{- if $sat.enabled }}
{{- $candidates = append $candidates (list "satAuth.mountPath" $sat.mountPath) }}
{{- end }}
{{- if $x509.enabled }}
{{- $candidates = append $candidates (list "x509Auth.mountPath" $x509.mountPath) }}
{{- end }}
{{- if eq (include "otelhub.caSource" .) "trustBundle" }}
{{- $candidates = append $candidates (list "caTrustBundle.mountPath" .Values.caTrustBundle.mountPath) }}
{{- end }}
{{- range $candidates }}
{{- $name := index . 0 }}
{{- $path := trimSuffix "/" (toString (index . 1)) }}
{{- if not (hasPrefix "/" $path) }}
{{- fail (printf "%s must be an absolute path, not %q" $name $path) }}
{{- end }}
{{- if hasKey $mounts $path }}
{{- fail (printf "%s %s is also the mount path of %s: Kubernetes refuses two volumes at one mountPath, give each its own" $name $path (get $mounts $path)) }}
{{- end }}
{{- $_ := set $mounts $path $name }}
{{- end }}
{{- if and .Values.health.enabled (has (toString .Values.config.health.host) (list "127.0.0.1" "localhost" "::1")) }}
{{- fail (printf "config.health.host %s is not reachable by the kubelet's probes: use 0.0.0.0" .Values.config.health.host) }}
{{- end }}
{{- $live := toString .Values.config.health.livenessPath }}
{{- $ready := toString .Values.config.health.readinessPath }}
{{- if or (not (hasPrefix "/" $live)) (not (hasPrefix "/" $ready)) (eq $live "/") (eq $ready "/") (eq $live $ready) }}
{{- fail (printf "config.health.livenessPath (%s) and readinessPath (%s) must be two different paths starting with / and other than / (the hub serves its JSON status there)" $live $ready) }}
{{- end }}
{{- if not $full }}
{{- if and (gt (int .Values.replicaCount) 1) .Values.config.mqtt.clientId }}
{{- fail "config.mqtt.clientId must be empty when replicaCount > 1: replicas sharing one client ID disconnect each other (empty: each pod uses its own name)" }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.config.mqtt.sharedSubscriptionGroup) }}
{{- fail "config.mqtt.sharedSubscriptionGroup is required when replicaCount > 1: without it every replica receives every message" }}
{{- end }}
{{- if empty .Values.config.mqtt.topicFilters }}
{{- fail "config.mqtt.topicFilters needs at least one topic filter" }}
{{- end }}
{{- else }}
{{- if .Values.health.enabled }}
{{- include "otelhub.validateHealthCheck" . }}
{{- end }}
{{- if .Values.metrics.enabled }}
{{- include "otelhub.validateMetricsReaders" . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Full YAML mode with metrics exposed: one pull reader of service.telemetry.metrics.readers must serve on metrics.port,
off loopback (the container port and Service point there). ${env:OTELHUB_METRICS_HOST} and ${env:OTELHUB_METRICS_PORT}
are the chart's 0.0.0.0 and metrics.port. The deprecated address is checked as before (${env:OTELHUB_METRICS_ADDRESS}
is the chart's 0.0.0.0:<metrics.port>).
*/}}
{{- define "otelhub.validateMetricsReaders" -}}
{{- $port := int .Values.metrics.port }}
{{- $service := default dict .Values.otelhubConfig.service }}
{{- $telemetry := default dict $service.telemetry }}
{{- $metrics := default dict $telemetry.metrics }}
{{- $at := "otelhubConfig.service.telemetry.metrics" }}
{{- $hint := printf "add readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: %d}}}}] (or host: ${env:OTELHUB_METRICS_HOST}, port: ${env:OTELHUB_METRICS_PORT}), or set metrics.enabled=false" $port }}
{{- if hasKey $metrics "readers" }}
{{- $found := false }}
{{- range $i, $reader := (default list $metrics.readers) }}
{{- $pull := default dict (default dict $reader).pull }}
{{- $prom := default dict (default dict $pull.exporter).prometheus }}
{{- $p := include "otelhub.str" $prom.port }}
{{- if or (eq $p (toString $port)) (eq $p "${env:OTELHUB_METRICS_PORT}") }}
{{- $host := include "otelhub.str" (default "localhost" $prom.host) }}
{{- if contains "${" $host }}
{{- if ne $host "${env:OTELHUB_METRICS_HOST}" }}
{{- fail (printf "%s.readers[%d] host %q cannot be checked: use 0.0.0.0 or ${env:OTELHUB_METRICS_HOST}, or set metrics.enabled=false" $at $i $host) }}
{{- end }}
{{- else if include "otelhub.isLoopback" (printf "%s:%s" $host $p) }}
{{- fail (printf "%s.readers[%d] host %q is loopback (localhost when unset), which Prometheus cannot reach through the metrics port: use 0.0.0.0 or ${env:OTELHUB_METRICS_HOST}" $at $i $host) }}
{{- end }}
{{- $found = true }}
{{- end }}
{{- end }}
{{- if not $found }}
{{- fail (printf "%s.readers has no pull reader with a prometheus exporter on metrics.port %d, where the container port and Service point: %s" $at $port $hint) }}
{{- end }}
{{- else if hasKey $metrics "address" }}
{{- $address := include "otelhub.str" $metrics.address }}
{{- $ahint := printf "set readers (address is deprecated) or address 0.0.0.0:%d or ${env:OTELHUB_METRICS_ADDRESS}, or set metrics.enabled=false" $port }}
{{- if contains "${" $address }}
{{- if ne $address "${env:OTELHUB_METRICS_ADDRESS}" }}
{{- fail (printf "%s.address %q cannot be checked: %s" $at $address $ahint) }}
{{- end }}
{{- else if not (hasSuffix (printf ":%d" $port) $address) }}
{{- fail (printf "%s.address %q must listen on metrics.port %d, where the container port and Service point: %s" $at $address $port $ahint) }}
{{- else if include "otelhub.isLoopback" $address }}
{{- fail (printf "%s.address %q listens on loopback, which Prometheus cannot reach through the metrics port: %s" $at $address $ahint) }}
{{- end }}
{{- else }}
{{- fail (printf "%s.readers is required when metrics.enabled=true: the metrics port %d and Service point there (%s)" $at $port $hint) }}
{{- end }}
{{- end }}

{{/*
Full YAML mode with probes: the configuration must run a health_check extension on the port and paths the probes
use. Literal values are compared; ${env:OTELHUB_HEALTH_ENDPOINT} is the chart's own 0.0.0.0:<config.health.port>.
*/}}
{{- define "otelhub.validateHealthCheck" -}}
{{- $cfg := .Values.otelhubConfig }}
{{- $port := include "otelhub.healthPort" . }}
{{- $found := "" }}
{{- range $id, $ext := (default dict $cfg.extensions) }}
{{- if regexMatch "^health_check(/.*)?$" $id }}
{{- $found = $id }}
{{- $ext = default dict $ext }}
{{- $endpoint := toString (default "" $ext.endpoint) }}
{{- if and (not (contains "${" $endpoint)) (not (hasSuffix (printf ":%s" $port) $endpoint)) }}
{{- fail (printf "otelhubConfig.extensions.%s.endpoint %q must listen on config.health.port %s, where the probes go (or use ${env:OTELHUB_HEALTH_ENDPOINT})" $id $endpoint $port) }}
{{- end }}
{{- if and (not (contains "${" $endpoint)) (include "otelhub.isLoopback" $endpoint) }}
{{- fail (printf "otelhubConfig.extensions.%s.endpoint %q listens on loopback, which the kubelet's probes cannot reach: use 0.0.0.0:%s (or ${env:OTELHUB_HEALTH_ENDPOINT})" $id $endpoint $port) }}
{{- end }}
{{- if not $ext.liveness_path }}
{{- fail (printf "otelhubConfig.extensions.%s.liveness_path is required: set it to config.health.livenessPath %v, which the liveness probe requests (the extension's default path would answer 404)" $id $.Values.config.health.livenessPath) }}
{{- end }}
{{- if not $ext.readiness_path }}
{{- fail (printf "otelhubConfig.extensions.%s.readiness_path is required: set it to config.health.readinessPath %v, which the readiness probe requests (the extension's default path would answer 404)" $id $.Values.config.health.readinessPath) }}
{{- end }}
{{- if ne (toString $ext.liveness_path) (toString $.Values.config.health.livenessPath) }}
{{- fail (printf "otelhubConfig.extensions.%s.liveness_path %v differs from config.health.livenessPath %v, which the liveness probe requests" $id $ext.liveness_path $.Values.config.health.livenessPath) }}
{{- end }}
{{- if ne (toString $ext.readiness_path) (toString $.Values.config.health.readinessPath) }}
{{- fail (printf "otelhubConfig.extensions.%s.readiness_path %v differs from config.health.readinessPath %v, which the readiness probe requests" $id $ext.readiness_path $.Values.config.health.readinessPath) }}
{{- end }}
{{- $service := default dict $cfg.service }}
{{- if not (has $id (default list $service.extensions)) }}
{{- fail (printf "otelhubConfig.service.extensions must list %s, or nothing answers the probes" $id) }}
{{- end }}
{{- end }}
{{- end }}
{{- if not $found }}
{{- fail "otelhubConfig has no health_check extension, but the probes need one: add extensions.health_check (endpoint 0.0.0.0:<config.health.port>, liveness_path, readiness_path) and list it in service.extensions, or set health.enabled=false" }}
{{- end }}
{{- end }}
