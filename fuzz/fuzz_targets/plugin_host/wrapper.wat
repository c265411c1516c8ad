;; A plugin component around a generated core module (see plugin_host.rs).
;;
;; `$meta` answers `metadata()` with a fixed, valid plugin-metadata, so every
;; generated module gets as far as `run`. `$main` is a placeholder: the fuzz
;; target replaces its bytes with a generated module of the same shape
;; (`shape.wat`), whose `run` and `cabi_realloc` then run under the sandbox.
(component
  (import "ops:plugin/inventory@0.1.0" (instance $inventory
    (export "component-count" (func (result u32)))
    (export "domain-count" (func (result u32)))))
  (import "ops:plugin/analysis@0.1.0" (instance $analysis
    (export "spofs" (func (param "component" u32) (result (list u32))))
    (export "blast-radius" (func (param "component" u32) (result (list u32))))))
  (import "ops:plugin/log@0.1.0" (instance $log
    (type $level (enum "debug" "info" "warn" "error"))
    (export "level" (type $level-e (eq $level)))
    (export "log" (func (param "level" $level-e) (param "message" string)))))

  (core module $meta
    (memory (export "memory") 1)
    ;; name @512 "fuzz", version @516 "0.1.0", rule ids @521 "a" and @522 "b", summary @523 "any"
    (data (i32.const 512) "fuzz0.1.0abany")
    (func (export "metadata") (result i32)
      ;; plugin-metadata @256: name, version, rules (list of 2 @768), config-schema none
      (i32.store (i32.const 256) (i32.const 512)) (i32.store (i32.const 260) (i32.const 4))
      (i32.store (i32.const 264) (i32.const 516)) (i32.store (i32.const 268) (i32.const 5))
      (i32.store (i32.const 272) (i32.const 768)) (i32.store (i32.const 276) (i32.const 2))
      (i32.store8 (i32.const 280) (i32.const 0))
      ;; rule @768 (28 bytes each): id, default-severity, summary, explanation ""
      (i32.store (i32.const 768) (i32.const 521)) (i32.store (i32.const 772) (i32.const 1))
      (i32.store8 (i32.const 776) (i32.const 3))
      (i32.store (i32.const 780) (i32.const 523)) (i32.store (i32.const 784) (i32.const 3))
      (i32.store (i32.const 796) (i32.const 522)) (i32.store (i32.const 800) (i32.const 1))
      (i32.store8 (i32.const 804) (i32.const 0))
      (i32.store (i32.const 808) (i32.const 523)) (i32.store (i32.const 812) (i32.const 3))
      (i32.const 256)))

  ;; The placeholder: the same imports and exports as shape.wat.
  (core module $main
    (import "ops" "component-count" (func (result i32)))
    (import "ops" "domain-count" (func (result i32)))
    (import "ops" "spofs" (func (param i32 i32)))
    (import "ops" "blast-radius" (func (param i32 i32)))
    (import "ops" "log" (func (param i32 i32 i32)))
    (memory (export "memory") 0)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "run") (param i32 i32) (result i32) unreachable))

  ;; Host functions that take or return strings and lists need the generated
  ;; module's memory (and allocator), which exist only once it is
  ;; instantiated: it imports them through a table that is filled afterwards,
  ;; the way wit-component links such modules. A call from its start
  ;; function finds the table empty and traps.
  (core module $shim
    (table (export "table") 3 3 funcref)
    (func (export "spofs") (param i32 i32)
      (call_indirect (param i32 i32) (local.get 0) (local.get 1) (i32.const 0)))
    (func (export "blast-radius") (param i32 i32)
      (call_indirect (param i32 i32) (local.get 0) (local.get 1) (i32.const 1)))
    (func (export "log") (param i32 i32 i32)
      (call_indirect (param i32 i32 i32) (local.get 0) (local.get 1) (local.get 2) (i32.const 2))))
  (core module $fixup
    (import "" "table" (table 3 3 funcref))
    (import "" "spofs" (func $spofs (param i32 i32)))
    (import "" "blast-radius" (func $blast-radius (param i32 i32)))
    (import "" "log" (func $log (param i32 i32 i32)))
    (elem (i32.const 0) func $spofs $blast-radius $log))

  (core instance $meta (instantiate $meta))
  (core instance $shim (instantiate $shim))
  (core func $component-count (canon lower (func $inventory "component-count")))
  (core func $domain-count (canon lower (func $inventory "domain-count")))
  (core instance $ops
    (export "component-count" (func $component-count))
    (export "domain-count" (func $domain-count))
    (export "spofs" (func $shim "spofs"))
    (export "blast-radius" (func $shim "blast-radius"))
    (export "log" (func $shim "log")))
  (core instance $main (instantiate $main (with "ops" (instance $ops))))
  (core func $spofs (canon lower (func $analysis "spofs")
    (memory $main "memory") (realloc (func $main "cabi_realloc"))))
  (core func $blast-radius (canon lower (func $analysis "blast-radius")
    (memory $main "memory") (realloc (func $main "cabi_realloc"))))
  (core func $log (canon lower (func $log "log") (memory $main "memory")))
  (core instance (instantiate $fixup (with "" (instance
    (export "table" (table $shim "table"))
    (export "spofs" (func $spofs))
    (export "blast-radius" (func $blast-radius))
    (export "log" (func $log))))))

  (type $severity (enum "info" "low" "medium" "high" "critical"))
  (type $entity-kind (enum "inventory" "component" "domain" "person" "service-account" "group" "system"
    "grant" "credential" "backup-policy" "backup-run" "restore-drill" "incident" "problem" "change"))
  (type $rule (record (field "id" string) (field "default-severity" $severity) (field "summary" string)
    (field "explanation" string)))
  (type $plugin-metadata (record (field "name" string) (field "version" string) (field "rules" (list $rule))
    (field "config-schema" (option string))))
  (type $subject (record (field "kind" $entity-kind) (field "id" string)))
  (type $finding (record (field "rule" string) (field "severity" (option $severity)) (field "subject" $subject)
    (field "message" string) (field "evidence" (option string)) (field "remediation" (option string))))

  (func $metadata (result $plugin-metadata)
    (canon lift (core func $meta "metadata") (memory $meta "memory")))
  (func $run (param "config" string) (result (result (list $finding) (error string)))
    (canon lift (core func $main "run") (memory $main "memory") (realloc (func $main "cabi_realloc"))))

;; Exported functions may only use named types: as wit-component does, an
  ;; inner component imports the types and functions, and exports them again
  ;; with types that refer to its exported names.
  (component $plugin
    (type $severity (enum "info" "low" "medium" "high" "critical"))
    (import "import-type-severity" (type $severity-i (eq $severity)))
    (type $entity-kind (enum "inventory" "component" "domain" "person" "service-account" "group" "system"
      "grant" "credential" "backup-policy" "backup-run" "restore-drill" "incident" "problem" "change"))
    (import "import-type-entity-kind" (type $entity-kind-i (eq $entity-kind)))
    (type $rule (record (field "id" string) (field "default-severity" $severity-i) (field "summary" string)
      (field "explanation" string)))
    (import "import-type-rule" (type $rule-i (eq $rule)))
    (type $plugin-metadata (record (field "name" string) (field "version" string) (field "rules" (list $rule-i))
      (field "config-schema" (option string))))
    (import "import-type-plugin-metadata" (type $plugin-metadata-i (eq $plugin-metadata)))
    (type $subject (record (field "kind" $entity-kind-i) (field "id" string)))
    (import "import-type-subject" (type $subject-i (eq $subject)))
    (type $finding (record (field "rule" string) (field "severity" (option $severity-i)) (field "subject" $subject-i)
      (field "message" string) (field "evidence" (option string)) (field "remediation" (option string))))
    (import "import-type-finding" (type $finding-i (eq $finding)))
    (import "import-func-metadata" (func $metadata (result $plugin-metadata-i)))
    (import "import-func-run" (func $run (param "config" string) (result (result (list $finding-i) (error string)))))

    (export $severity-e "severity" (type $severity-i))
    (export $entity-kind-e "entity-kind" (type $entity-kind-i))
    (type $rule-x (record (field "id" string) (field "default-severity" $severity-e) (field "summary" string)
      (field "explanation" string)))
    (export $rule-e "rule" (type $rule-i) (type (eq $rule-x)))
    (type $plugin-metadata-x (record (field "name" string) (field "version" string) (field "rules" (list $rule-e))
      (field "config-schema" (option string))))
    (export $plugin-metadata-e "plugin-metadata" (type $plugin-metadata-i) (type (eq $plugin-metadata-x)))
    (type $subject-x (record (field "kind" $entity-kind-e) (field "id" string)))
    (export $subject-e "subject" (type $subject-i) (type (eq $subject-x)))
    (type $finding-x (record (field "rule" string) (field "severity" (option $severity-e)) (field "subject" $subject-e)
      (field "message" string) (field "evidence" (option string)) (field "remediation" (option string))))
    (export $finding-e "finding" (type $finding-i) (type (eq $finding-x)))
    (export "metadata" (func $metadata) (func (result $plugin-metadata-e)))
    (export "run" (func $run)
      (func (param "config" string) (result (result (list $finding-e) (error string))))))

  (instance $plugin (instantiate $plugin
    (with "import-type-severity" (type $severity))
    (with "import-type-entity-kind" (type $entity-kind))
    (with "import-type-rule" (type $rule))
    (with "import-type-plugin-metadata" (type $plugin-metadata))
    (with "import-type-subject" (type $subject))
    (with "import-type-finding" (type $finding))
    (with "import-func-metadata" (func $metadata))
    (with "import-func-run" (func $run))))
  (export "ops:plugin/plugin@0.1.0" (instance $plugin))
)
