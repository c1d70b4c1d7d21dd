; The entry state and boot-info page are what DESIGN §3 promises: registers, control
; registers, EFER, the loader's GDT and TSS, its identity 2 MiB page tables covering all
; RAM, the boot-info fields, the hypercall page and the --append command line.
;
; args: --append vtl.test=1
; expect-exit: 0
; expect-stdout:

%include "guest.inc"
_start:
  mov r15, rdi                        ; boot-info page
  mov r14, rsp                        ; top of the loader stack
  pushfq
  pop r13
  CHECK 1, r13, 0x2, "RFLAGS at entry"
  mov rax, cr0
  CHECK 2, rax, 0x80010033, "CR0 = PE|MP|ET|NE|WP|PG"
  mov rax, cr4
  CHECK 3, rax, 0x620, "CR4 = PAE|OSFXSR|OSXMMEXCPT"
  mov ecx, 0xc0000080
  rdmsr
  shl rdx, 32
  or rax, rdx
  CHECK 4, rax, 0xd01, "EFER = SCE|LME|LMA|NXE"
  mov rax, cs
  CHECK 5, rax, 0x08, "CS"

  ; boot-info page
  mov rax, r15
  and eax, 0xfff
  CHECK 6, rax, 0, "RDI (boot-info page) is page aligned"
  CHECK 7, [r15], 0x31544f4f424c5456, "boot info magic VTLBOOT1"
  CHECK 8, [r15 + 0x08], 1, "boot info version"
  CHECK 9, [r15 + 0x10], 0, "boot info vtl"
  CHECK 10, [r15 + 0x18], 0x10000000, "boot info ram_size (default 256 MiB)"
  mov rax, [r15 + 0x30]               ; free_start
  cmp rax, IMAGE_END
  setae al
  movzx eax, al
  CHECK 11, rax, 1, "free_start is at or above the image end (0x21a000)"
  mov rax, [r15 + 0x30]
  cmp rax, [r15 + 0x38]
  setb al
  movzx eax, al
  CHECK 12, rax, 1, "free_start < free_end"
  mov rax, [r15 + 0x38]
  cmp rax, [r15 + 0x68]
  setbe al
  movzx eax, al
  CHECK 13, rax, 1, "free_end <= loader_start"
  mov rax, [r15 + 0x70]
  cmp rax, [r15 + 0x18]
  setbe al
  movzx eax, al
  CHECK 14, rax, 1, "loader_end <= ram_size"
  mov rax, r15
  cmp rax, [r15 + 0x68]
  setae al
  mov rcx, r15
  cmp rcx, [r15 + 0x70]
  setb cl
  and al, cl
  movzx eax, al
  CHECK 15, rax, 1, "boot-info page lies in [loader_start, loader_end)"
  mov rax, r14
  cmp rax, [r15 + 0x68]
  seta al
  mov rcx, r14
  cmp rcx, [r15 + 0x70]
  setbe cl
  and al, cl
  movzx eax, al
  CHECK 16, rax, 1, "entry RSP lies in (loader_start, loader_end]"
  mov rax, r14
  and eax, 0xf
  CHECK 17, rax, 0, "entry RSP is 16-byte aligned"
  CHECK 18, [r15 + 0x40], 0, "vtl1_start without --vtl1"
  CHECK 19, [r15 + 0x48], 0, "vtl1_end without --vtl1"
  CHECK 20, [r15 + 0x50], 0, "module_count without --trustlet"
  mov rax, [r15 + 0x20]               ; hypercall page: vmcall; ret
  mov eax, [rax]
  CHECK 21, rax, 0xc3c1010f, "hypercall page starts with vmcall (0f 01 c1); ret (c3)"
  mov rax, [r15 + 0x28]
  and eax, 0xfff
  CHECK 22, rax, 0, "vp_assist_page is page aligned"
  mov rsi, [r15 + 0x60]               ; cmdline
  lea rdi, [rel cmdline]
  mov ecx, cmdline_len
  repe cmpsb
  sete al
  movzx eax, al
  CHECK 23, rax, 1, "cmdline is the --append string, NUL-terminated"

  ; all RAM is mapped: the last qword of RAM is readable (else: no IDT, triple fault)
  mov rax, [r15 + 0x18]
  mov rax, [rax - 8]

  ; identity page tables: the 2 MiB page holding the image, supervisor-only, RW
  mov rax, cr3
  and rax, ~0xfff
  mov rax, [rax]                      ; PML4[0]
  and rax, ~0xfff
  btr rax, 63
  mov rax, [rax]                      ; PDPT[0]
  and rax, ~0xfff
  btr rax, 63
  mov rax, [rax + 8]                  ; PD[1]: 0x200000-0x3fffff
  mov rbx, rax
  and ebx, PG_P | PG_W | PG_U | PG_PS
  CHECK 24, rbx, PG_P | PG_W | PG_PS, "PDE of 0x200000: present, writable, supervisor, 2 MiB"
  mov rbx, 0x000ffffffffff000
  and rbx, rax
  CHECK 25, rbx, 0x200000, "PDE of 0x200000 maps GPA 0x200000"

  ; the loader's GDT
  sgdt [var0]
  movzx eax, word [var0]
  cmp eax, 0x3f
  setae al
  movzx eax, al
  CHECK 26, rax, 1, "GDT limit covers the TSS descriptor at 0x30"
  mov rbx, [var0 + 2]                 ; GDT base
  mov rax, [rbx + 0x08]
  mov rcx, (1 << 53) | (1 << 47) | (3 << 45) | (1 << 44) | (1 << 43)
  and rax, rcx
  CHECK 27, rax, (1 << 53) | (1 << 47) | (1 << 44) | (1 << 43), "GDT 0x08: present DPL0 64-bit code"
  mov rax, [rbx + 0x10]
  and rax, rcx
  CHECK 28, rax, (1 << 47) | (1 << 44), "GDT 0x10: present DPL0 data"
  mov rax, [rbx + 0x20]
  and rax, rcx
  CHECK 29, rax, (1 << 47) | (3 << 45) | (1 << 44), "GDT 0x20: present DPL3 data"
  mov rax, [rbx + 0x28]
  and rax, rcx
  CHECK 30, rax, (1 << 53) | (1 << 47) | (3 << 45) | (1 << 44) | (1 << 43), "GDT 0x28: present DPL3 64-bit code"
  mov rax, [rbx + 0x30]
  mov rcx, (1 << 47) | (1 << 44) | (0xd << 40)
  and rcx, rax
  CHECK 31, rcx, (1 << 47) | (0x9 << 40), "GDT 0x30: present 64-bit TSS (available or busy)"
  ; TSS base from the descriptor, then RSP0 = top of the loader stack
  mov rcx, rax
  shr rcx, 16
  and ecx, 0xffffff
  mov rdx, rax
  shr rdx, 56
  shl rdx, 24
  or rcx, rdx
  mov edx, [rbx + 0x38]
  shl rdx, 32
  or rcx, rdx
  CHECK 32, [rcx + 4], r14, "TSS RSP0 = top of the loader stack (entry RSP)"
  str ax
  movzx eax, ax
  CHECK 33, rax, 0x30, "TR = 0x30 (the loader's TSS is loaded)"
  KEXIT 0

cmdline: db "vtl.test=1", 0
cmdline_len equ $ - cmdline
GUEST_END
