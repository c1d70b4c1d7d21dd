; #GP whose gate is not present: delivering it raises #NP (contributory) during the
; delivery of a contributory exception, which becomes #DF (error code 0), delivered
; through the #DF gate on IST1.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":16,"vtl":0,"cpl":0,"rip":"0x205000","vector":8,"error_code":0
; expect-no-event: "reason":"triple_fault"

%define VEC_13_NOTPRESENT
%define VEC_11 np_handler
%define VEC_8 df_handler
%define VEC_8_IST 1
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov ax, 0x53                        ; 15: beyond the GDT limit
  jmp gp_site                         ; 16

np_handler:
  CHECK 1, 0, 1, "#NP was delivered instead of #DF"

df_handler:
  mov r8, rsp
  CHECK 2, [r8], 0, "#DF error code"
  CHECK 3, r8, IST1_TOP - 48, "#DF handler on the IST1 stack, error code pushed"
  KEXIT 0

AT SITE
gp_site:
  mov ds, ax
  NOT_REACHED
GUEST_END
