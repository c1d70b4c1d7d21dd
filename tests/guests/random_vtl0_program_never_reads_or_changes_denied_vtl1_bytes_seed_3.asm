; Property test, seed 3: a random VTL0 program of loads, stores, read-modify-writes and
; jumps over all of RAM, under a secure kernel that made pages no-access, read-only,
; read-execute and not executable (sk/property.asm). No value VTL0 loads comes from a
; page it was denied, no byte VTL1 protected changes, every denied access is intercepted
; once and skipped, and the run ends with exit status 0 (random_program.inc).
;
; vtl1: property
; args: --max-insns 30000000
; timeout: 60
; expect-exit: 0

%define SEED 3
%include "random_program.inc"
GUEST_END
