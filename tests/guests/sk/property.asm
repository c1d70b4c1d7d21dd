; The secure kernel of the property test (random_program.inc): at boot it fills the
; window of property.inc with its markers and gives VTL0 the window's rights; it
; handles every intercept by skipping the instruction (a `call` into a page VTL0 may not
; execute returns to the caller: POLICY_SKIP_CALL). Secure call 0x100 counts what VTL0
; changed of VTL1's: the u64 of the marker pages that differ from their marker, plus 1
; if the secure kernel's code pages (IDT to SK_HCIN) changed.
%define SK_INIT prop_init
%define SK_SERVICE prop_service
%include "sk.inc"
%include "property.inc"

prop_init:
  %assign i 0
  %rep PW_PAGES
    %if PW_CHECKED(i % 8)
      PW_MARKER_OF i % 8
      mov rdi, PW_BASE + i * 0x1000
      mov ecx, 512
      rep stosq
    %endif
    %if PW_RIGHTS(i % 8) != 0xf
      mov edi, PW_BASE + i * 0x1000
      mov esi, PW_RIGHTS(i % 8)
      mov edx, 1
      call sk_protect
      movzx eax, ax
      SK_CHECK 50, rax, 0, "ModifyVtlProtectionMask of a window page"
    %endif
    %assign i i + 1
  %endrep
  call code_sum
  mov [abs sk_var], rax
  mov qword [abs sk_policy], POLICY_SKIP_CALL
  ret

code_sum:                             ; RAX = sum of the u64 from the IDT to SK_HCIN
  mov rsi, SK_IDT
  xor eax, eax
.loop:
  add rax, [rsi]
  add rsi, 8
  cmp rsi, SK_HCIN
  jb .loop
  ret

prop_service:
  cmp eax, 0x100
  jne .unknown
  xor r8d, r8d                        ; differing u64
  %assign i 0
  %rep PW_PAGES
    %if PW_CHECKED(i % 8)
      PW_MARKER_OF i % 8
      mov rsi, PW_BASE + i * 0x1000
      call scan_page
    %endif
    %assign i i + 1
  %endrep
  call code_sum
  cmp rax, [abs sk_var]
  je .done
  inc r8
.done:
  mov rax, r8
  ret
.unknown:
  mov rax, -1
  ret

scan_page:                            ; R8 += the u64 of the page at RSI that differ from RAX
  mov ecx, 512
.loop:
  cmp [rsi], rax
  je .same
  inc r8
.same:
  add rsi, 8
  loop .loop
  ret
SK_END
