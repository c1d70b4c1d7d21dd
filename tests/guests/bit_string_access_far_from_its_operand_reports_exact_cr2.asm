; bt/bts with a register bit offset address memory far from their operand: the qword at
; base + 8 * (offset >> 6). A fault there reports that exact address in CR2 (not the
; operand's address, nor the page start): bt on a not-present page (error 0), bts on a
; read-only page (error 3).
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":17,"vtl":0,"cpl":0,"rip":"0x205000","vector":14,"error_code":0,"gva":"0x401ff0"
; expect-event-after: "cpl":0,"rip":"0x205100","vector":14,"error_code":3,"gva":"0x402ff8"

%define PTE_TEST_1 0                  ; not present
%define PTE_TEST_2 (0x402000 | PG_P)  ; read-only
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rbx, 0x400ff0                   ; 15: on a present page
  mov rcx, 0x1000 * 8 + 5             ; 16: bit 5 of the qword 0x1000 bytes further
  jmp bt_site                         ; 17
done:
  KEXIT 0

align 8
expected_faults:
  FAULT 14, 0, bt_site, 0x401ff0, resume1
  FAULT 14, 3, bts_site, 0x402ff8, done
expected_faults_end:

AT SITE
bt_site:
  bt [rbx], rcx
  NOT_REACHED
resume1:
  add rcx, 0x1000 * 8 + 64 + 1        ; one page and one qword further, bit 6
  jmp bts_site
AT SITE + 0x100
bts_site:
  bts [rbx], rcx
  NOT_REACHED
GUEST_END
