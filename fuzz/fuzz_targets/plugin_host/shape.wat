;; What a generated core module must export, and may import (see wrapper.wat,
;; whose placeholder module has exactly these imports and exports).
(module
  (import "ops" "component-count" (func (result i32)))
  (import "ops" "domain-count" (func (result i32)))
  (import "ops" "spofs" (func (param i32 i32)))
  (import "ops" "blast-radius" (func (param i32 i32)))
  (import "ops" "log" (func (param i32 i32 i32)))
  (memory (export "memory") 0)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
  (func (export "run") (param i32 i32) (result i32) unreachable))
