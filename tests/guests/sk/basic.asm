; The plain test secure kernel: sk.inc's boot and dispatch loop with nothing added. It
; protects its own image from VTL0, serves the secure calls of vtl.inc (SVC_*) and
; handles intercepts by the policy VTL0 sets (skip by default).
%include "sk.inc"
SK_END
