; Faults raised while reading an IDT gate for a software interrupt (EXT clear) name the
; gate: error code = vector * 8 + 2. A vector beyond the IDT limit and a gate of a type
; other than 64-bit interrupt/trap give #GP; a not-present interrupt gate gives #NP
; (the type is checked before P: an all-zero gate would be #GP). A gate whose
; selector is not a code segment gives #GP with that selector. RIP is the int
; instruction each time.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":19,"vtl":0,"cpl":0,"rip":"0x205000","vector":13,"error_code":266
; expect-event-after: "cpl":0,"rip":"0x205100","vector":11,"error_code":274
; expect-event-after: "cpl":0,"rip":"0x205200","vector":13,"error_code":16
; expect-event-after: "cpl":0,"rip":"0x205300","vector":13,"error_code":1602
; expect-no-event-re: "vector":(33|34|35|200)[,}]

%define FAULTS
%define VEC_33_ABSENT                 ; patched by _start: a call-gate type descriptor
%define VEC_34_NOTPRESENT             ; an interrupt gate with P=0
%define VEC_35_ABSENT                 ; patched by _start: selector 0x10 (data)
%include "guest.inc"
_start:
  SETUP                               ; 14
  ; vector 33: present, DPL 0, type 0xc (64-bit call gate): not allowed in an IDT
  mov rax, (0x8c << 40) | (KCS << 16) | (A(never) & 0xffff)    ; 15
  mov [abs IDT_ADDR + 33 * 16], rax   ; 16
  ; vector 35: a present interrupt gate whose selector is the data segment 0x10
  mov rax, (0x8e << 40) | (KDS << 16) | (A(never) & 0xffff)    ; 17
  mov [abs IDT_ADDR + 35 * 16], rax   ; 18
  jmp int_site1                       ; 19

never:
  CHECK 1, 0, 1, "a refused gate was entered"

done:
  lidt [idtr]
  KEXIT 0

align 8
expected_faults:
  FAULT 13, 33 * 8 + 2, int_site1, NOCR2, resume1
  FAULT 11, 34 * 8 + 2, int_site2, NOCR2, resume2
  FAULT 13, KDS, int_site3, NOCR2, resume3
  FAULT 13, 200 * 8 + 2, int_site4, NOCR2, done
expected_faults_end:

AT SITE
int_site1:
  int 33
  NOT_REACHED
resume1:
  jmp int_site2
AT SITE + 0x100
int_site2:
  int 34
  NOT_REACHED
resume2:
  jmp int_site3
AT SITE + 0x200
int_site3:
  int 35
  NOT_REACHED
resume3:
  lidt [short_idtr]                   ; vectors 0..199 only
  jmp int_site4
AT SITE + 0x300
int_site4:
  int 200
  NOT_REACHED

align 8
  dw 0, 0, 0
short_idtr:
  dw 200 * 16 - 1
  dq IDT_ADDR
GUEST_END
