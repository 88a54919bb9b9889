{{/*
Scaling out: the workload kind, the MQTT receiver's membership settings, the shutdown timeout and the grace period
(see docs/kubernetes.md, "Scaling out and in").
*/}}

{{/*
The mqtt receivers of otelhubConfig (full YAML mode) that subscribe in a shared group: a dict id -> receiver config.
*/}}
{{- define "otelhub.sharedMqttReceivers" -}}
{{- $out := dict }}
{{- if kindIs "map" .Values.otelhubConfig }}
{{- range $id, $r := (.Values.otelhubConfig.receivers | default dict) }}
{{- if and (regexMatch "^mqtt(/.*)?$" $id) (kindIs "map" $r) }}
{{- if $r.shared_group }}
{{- $_ := set $out $id $r }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
"true" when the replicas keep MQTT sessions in a shared subscription group: drop-in mode with a group (its sessions
always persist), or a shared mqtt receiver in otelhubConfig without clean_start: true or session_expiry 0.
*/}}
{{- define "otelhub.sharedSessions" -}}
{{- if include "otelhub.fullConfig" . }}
{{- range $id, $r := (include "otelhub.sharedMqttReceivers" . | fromYaml) }}
{{- if and (ne (toString $r.clean_start) "true") (not (has (toString (default "" $r.session_expiry)) (list "0" "0s"))) }}true{{ end }}
{{- end }}
{{- else if .Values.config.mqtt.sharedSubscriptionGroup }}true
{{- end }}
{{- end }}

{{/*
The workload kind: workloadKind, or when empty StatefulSet for replicas that keep sessions in a shared group (stable
pod names are stable client IDs: a restarted replica resumes its own session), else Deployment.
*/}}
{{- define "otelhub.workloadKind" -}}
{{- if .Values.workloadKind }}{{ .Values.workloadKind }}
{{- else if include "otelhub.sharedSessions" . }}StatefulSet
{{- else }}Deployment
{{- end }}
{{- end }}

{{/*
config.mqtt.membership's set values, with the receiver's key names (YAML; {} when none is set).
*/}}
{{- define "otelhub.membership" -}}
{{- $m := .Values.config.mqtt.membership | default dict }}
{{- $out := dict }}
{{- range $key, $yamlKey := dict "enabled" "enabled" "topic" "topic" "adoptAfter" "adopt_after" "leaveOnShutdown" "leave_on_shutdown" "drainIdle" "drain_idle" }}
{{- $v := get $m $key }}
{{- if or (kindIs "bool" $v) (ne (toString (default "" $v)) "") }}
{{- $_ := set $out $yamlKey $v }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
otelhubConfig with config.mqtt.membership merged into each shared mqtt receiver's membership block and
config.shutdownTimeout as service.shutdown_timeout, each only where the configuration does not set it.
*/}}
{{- define "otelhub.mergedConfig" -}}
{{- $cfg := deepCopy .Values.otelhubConfig }}
{{- $m := include "otelhub.membership" . | fromYaml }}
{{- if $m }}
{{- range $id, $r := (include "otelhub.sharedMqttReceivers" . | fromYaml) }}
{{- $_ := set (get $cfg.receivers $id) "membership" (merge (deepCopy (default dict $r.membership)) $m) }}
{{- end }}
{{- end }}
{{- with .Values.config.shutdownTimeout }}
{{- $service := default dict $cfg.service }}
{{- if not (hasKey $service "shutdown_timeout") }}
{{- $_ := set $service "shutdown_timeout" (toString .) }}
{{- $_ := set $cfg "service" $service }}
{{- end }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}

{{/*
Seconds in a Go duration of whole h, m, s and ms parts ("25s", "1m30s", "1500ms"), or "" when it is not one (an
${env:...} reference, say).
*/}}
{{- define "otelhub.seconds" -}}
{{- $d := toString . }}
{{- $parts := regexFindAll "[0-9]+(ms|h|m|s)" $d -1 }}
{{- if and $parts (eq (join "" $parts) $d) }}
{{- $ms := 0 }}
{{- range $parts }}
{{- if hasSuffix "ms" . }}{{ $ms = add $ms (trimSuffix "ms" . | int) }}
{{- else if hasSuffix "h" . }}{{ $ms = add $ms (mul (trimSuffix "h" . | int) 3600000) }}
{{- else if hasSuffix "m" . }}{{ $ms = add $ms (mul (trimSuffix "m" . | int) 60000) }}
{{- else }}{{ $ms = add $ms (mul (trimSuffix "s" . | int) 1000) }}
{{- end }}
{{- end }}
{{- divf $ms 1000 }}
{{- end }}
{{- end }}

{{/*
The shutdown timeout in effect and where it comes from: "<text>|<source>".
*/}}
{{- define "otelhub.shutdownTimeout" -}}
{{- $service := dict }}
{{- if and (include "otelhub.fullConfig" .) (kindIs "map" .Values.otelhubConfig.service) }}
{{- $service = .Values.otelhubConfig.service }}
{{- end }}
{{- if hasKey $service "shutdown_timeout" }}{{ $service.shutdown_timeout }}|otelhubConfig.service.shutdown_timeout
{{- else if .Values.config.shutdownTimeout }}{{ .Values.config.shutdownTimeout }}|config.shutdownTimeout
{{- else }}25s|the default
{{- end }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the value, or the shutdown timeout plus 5 s (the hub's exit after its drain).
*/}}
{{- define "otelhub.gracePeriod" -}}
{{- if ne (toString (default "" .Values.terminationGracePeriodSeconds)) "" }}{{ int .Values.terminationGracePeriodSeconds }}
{{- else }}
{{- $secs := include "otelhub.seconds" (first (splitList "|" (include "otelhub.shutdownTimeout" .))) }}
{{- if $secs }}{{ add (ceil $secs | int) 5 }}{{ else }}30{{ end }}
{{- end }}
{{- end }}

{{/*
Refuses what would strand messages when replicas come and go. Renders nothing.
*/}}
{{- define "otelhub.validateScale" -}}
{{- $full := include "otelhub.fullConfig" . }}
{{- $kind := include "otelhub.workloadKind" . }}
{{- if not (has $kind (list "Deployment" "StatefulSet")) }}
{{- fail (printf "workloadKind must be Deployment or StatefulSet (or empty: StatefulSet when the replicas keep MQTT sessions in a shared group), not %v" .Values.workloadKind) }}
{{- end }}
{{- if not (has .Values.podManagementPolicy (list "OrderedReady" "Parallel")) }}
{{- fail (printf "podManagementPolicy must be OrderedReady or Parallel, not %v" .Values.podManagementPolicy) }}
{{- end }}
{{- $m := include "otelhub.membership" . | fromYaml }}
{{- if and $m (not $full) (not .Values.config.mqtt.sharedSubscriptionGroup) }}
{{- fail "config.mqtt.membership needs config.mqtt.sharedSubscriptionGroup: membership is among the replicas of one shared group" }}
{{- end }}
{{- if hasKey $m "leave_on_shutdown" }}
{{- if not (has (toString $m.leave_on_shutdown) (list "auto" "always" "never")) }}
{{- fail (printf "config.mqtt.membership.leaveOnShutdown must be auto, always or never, not %v" $m.leave_on_shutdown) }}
{{- end }}
{{- end }}
{{- $blocks := list $m }}
{{- if $full }}
{{- $blocks = list }}
{{- range $id, $r := (include "otelhub.mergedConfig" . | fromYaml).receivers }}
{{- if and (regexMatch "^mqtt(/.*)?$" $id) (kindIs "map" $r) $r.shared_group }}
{{- $blocks = append $blocks (default dict $r.membership) }}
{{- if and (gt (int $.Values.replicaCount) 1) $r.client_id (not (contains "${env:" (toString $r.client_id))) }}
{{- fail (printf "otelhubConfig.receivers.%s.client_id %q is one ID for every replica, which disconnect each other: use ${env:POD_NAME} (or leave it unset: otelhub-<pod name>)" $id (toString $r.client_id)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- /* A Deployment's pods get new names, hence new client IDs: a replaced pod's session is drained only by adoption. */}}
{{- if and (eq $kind "Deployment") (include "otelhub.sharedSessions" .) }}
{{- range $blocks }}
{{- if or (eq (toString .enabled) "false") (has (toString .adopt_after) (list "0" "0s")) }}
{{- fail "a Deployment's replacement pods have new names, so new client IDs, and nothing would ever drain the sessions of the pods they replace when membership is off or adoptAfter is 0s: use workloadKind StatefulSet (or leave it empty), or keep membership adoption on" }}
{{- end }}
{{- end }}
{{- end }}
{{- $timeout := splitList "|" (include "otelhub.shutdownTimeout" .) }}
{{- $secs := include "otelhub.seconds" (first $timeout) }}
{{- if and (ne (toString (first $timeout)) "") (not $secs) (not (contains "${env:" (toString (first $timeout)))) }}
{{- fail (printf "%s %q must be a duration of whole h, m, s or ms parts, such as 25s or 1m30s" (last $timeout) (first $timeout)) }}
{{- end }}
{{- if $secs }}
{{- $grace := include "otelhub.gracePeriod" . | int }}
{{- if lt (float64 $grace) (addf $secs 5) }}
{{- fail (printf "terminationGracePeriodSeconds %d must be at least the shutdown timeout %s (%s) plus 5: Kubernetes kills the pod when the grace period ends, cutting short a leaving replica's drain (empty: computed)" $grace (first $timeout) (last $timeout)) }}
{{- end }}
{{- range $blocks }}
{{- $idle := include "otelhub.seconds" (default "" .drain_idle) }}
{{- if and $idle (ge (float64 $idle) (float64 $secs)) }}
{{- fail (printf "the membership drain_idle %s must be shorter than the shutdown timeout %s (%s): a leaving replica drains within it" .drain_idle (first $timeout) (last $timeout)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
