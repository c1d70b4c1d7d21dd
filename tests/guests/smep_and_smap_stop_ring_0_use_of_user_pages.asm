; CR4.SMEP: ring 0 fetching from a user page is #PF error 0x11 (present, fetch, U clear).
; CR4.SMAP: ring 0 reading or writing a user page with RFLAGS.AC=0 is #PF error 1 / 3;
; with AC=1 (stac) the access is allowed. CPUID must report both features.
;
; expect-exit: 0
; expect-stdout:
; expect-event-re: "kind":"exception",.*"cpl":0,"rip":"0x206000","vector":14,"error_code":17,"gva":"0x206000"
; expect-event-after: "cpl":0,"rip":"0x205100","vector":14,"error_code":1,"gva":"0x207010"
; expect-event-after: "cpl":0,"rip":"0x205200","vector":14,"error_code":3,"gva":"0x207018"

CR4_SMEP equ 1 << 20
CR4_SMAP equ 1 << 21
%define FAULTS
%include "guest.inc"
_start:
  SETUP
  mov eax, 7
  xor ecx, ecx
  cpuid
  mov eax, ebx
  and eax, (1 << 7) | (1 << 20)
  CHECK 1, rax, (1 << 7) | (1 << 20), "CPUID.(7,0).EBX reports SMEP (bit 7) and SMAP (bit 20)"
  mov rax, cr4
  or eax, CR4_SMEP | CR4_SMAP
  mov cr4, rax
  mov rax, cr4
  and eax, CR4_SMEP | CR4_SMAP
  CHECK 2, rax, CR4_SMEP | CR4_SMAP, "CR4 keeps SMEP and SMAP"
  mov rbx, UDATA + 0x10
  jmp sm_site1
done:
  clac
  KEXIT 0

align 8
expected_faults:
  FAULT 14, 0x11, UCODE, UCODE, resume1
  FAULT 14, 0x01, sm_site2, UDATA + 0x10, resume2
  FAULT 14, 0x03, sm_site3, UDATA + 0x18, resume3
expected_faults_end:

AT SITE
sm_site1:
  call user_fn                        ; SMEP: fetch from a user page
  NOT_REACHED
resume1:
  add rsp, 8                          ; the call pushed its return address
  jmp sm_site2
AT SITE + 0x100
sm_site2:
  mov rax, [rbx]                      ; SMAP, AC=0: read
  NOT_REACHED
resume2:
  jmp sm_site3
AT SITE + 0x200
sm_site3:
  mov [rbx + 8], rax                  ; SMAP, AC=0: write
  NOT_REACHED
resume3:
  stac
  mov rax, [rbx]                      ; AC=1: allowed
  mov qword [rbx + 8], 0x77
  mov rcx, [rbx + 8]
  clac
  CHECK 3, rcx, 0x77, "with AC=1 the kernel wrote the user page"
  jmp done

AT UCODE
user_fn:
  ret
GUEST_END
