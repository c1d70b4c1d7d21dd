# Guest images: freestanding C and nasm, for the emulated machine, not the host.
# Included by the top-level Makefile; also works alone:  make -f guest/guest.mk guests
# Paths are relative to the repository root: run make from there.
#
# Objects come in three flavours, so guest/lib can serve every side:
#   guest/build/kernel/<dir>/x.o   -mcmodel=kernel, no red zone (higher-half kernels)
#   guest/build/user/<dir>/x.o     default small model (user programs at low addresses)
#   guest/build/vtl1/<dir>/x.o     small model, no red zone (the secure kernel, which
#                                  runs identity mapped below 1 MiB)
# Names are GUEST_*/VTL0_* so nothing of the emulator's build (CC, CFLAGS, ...) changes.

GUEST_CC  ?= gcc
GUEST_AS  ?= nasm
GUEST_LD  ?= ld
GUEST_OUT := guest/build

# -ffreestanding: no hosted libc (also no builtin assumptions about printf and the like).
# -mgeneral-regs-only: no SSE/x87, so the kernel never has FPU state to save.
# -fno-tree-loop-distribute-patterns: else gcc turns guest/lib's memset loop into a
#   call to memset.
# No unwind tables: nothing unwinds, and .eh_frame would be one more section to place.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -I. -MMD -MP \
    -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables -fno-unwind-tables \
    -fno-tree-loop-distribute-patterns -mgeneral-regs-only
# Kernel code runs on the stack exceptions are pushed on: no red zone below RSP.
GUEST_KCFLAGS := $(GUEST_CFLAGS) -mcmodel=kernel -mno-red-zone
# User code gets a fresh kernel stack on every trap, so the red zone is fine there.
GUEST_UCFLAGS := $(GUEST_CFLAGS) -mcmodel=small
GUEST_SKCFLAGS := $(GUEST_CFLAGS) -mcmodel=small -mno-red-zone
GUEST_ASFLAGS := -f elf64 -g -Werror
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
    --build-id=none --fatal-warnings

.PHONY: guests
guests: $(GUEST_OUT)/vtl0.elf $(GUEST_OUT)/sk.elf

# guest/lib as one archive per flavour: an image links only the members it uses.
GUEST_LIB_SRC  := $(wildcard guest/lib/*.c)
GUEST_LIB_KOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/kernel/%.o,$(GUEST_LIB_SRC))
GUEST_LIB_UOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/user/%.o,$(GUEST_LIB_SRC))
GUEST_LIB_SOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/vtl1/%.o,$(GUEST_LIB_SRC))
GUEST_LIB_K    := $(GUEST_OUT)/kernel/libguest.a
GUEST_LIB_U    := $(GUEST_OUT)/user/libguest.a
GUEST_LIB_S    := $(GUEST_OUT)/vtl1/libguest.a

$(GUEST_LIB_K): $(GUEST_LIB_KOBJ)
$(GUEST_LIB_U): $(GUEST_LIB_UOBJ)
$(GUEST_LIB_S): $(GUEST_LIB_SOBJ)
$(GUEST_LIB_K) $(GUEST_LIB_U) $(GUEST_LIB_S):
	@rm -f $@
	ar rcs $@ $^

# --- vtl0: demo kernel plus its embedded user programs -------------------------------
# Two user programs share ulib.c: vtl0-user.elf (hello.c, the single-VTL demo) and
# vtl0-lsass.elf (lsass.c, the credential client of the two-VTL demo).
VTL0_KOBJ := $(patsubst guest/%.c,$(GUEST_OUT)/kernel/%.o,$(wildcard guest/vtl0/*.c)) \
             $(patsubst guest/%.asm,$(GUEST_OUT)/kernel/%.o,$(wildcard guest/vtl0/*.asm))
VTL0_ULIB  := $(GUEST_OUT)/user/vtl0/user/ulib.o
VTL0_UOBJ  := $(patsubst guest/%.c,$(GUEST_OUT)/user/%.o,$(wildcard guest/vtl0/user/*.c))

$(GUEST_OUT)/vtl0-user.elf: $(GUEST_OUT)/user/vtl0/user/hello.o
$(GUEST_OUT)/vtl0-lsass.elf: $(GUEST_OUT)/user/vtl0/user/lsass.o
$(GUEST_OUT)/vtl0-user.elf $(GUEST_OUT)/vtl0-lsass.elf: $(VTL0_ULIB) $(GUEST_LIB_U) guest/vtl0/user/user.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -T guest/vtl0/user/user.ld -o $@ $(filter %.o,$^) $(GUEST_LIB_U)

# user_blob.asm incbins the user programs (found through -i $(GUEST_OUT)/), stripped:
# the kernel needs only the program headers and segments; the unstripped ELFs keep the
# symbols and debug info for debuggers.
$(GUEST_OUT)/%.strip.elf: $(GUEST_OUT)/%.elf
	objcopy --strip-all $< $@
$(GUEST_OUT)/kernel/vtl0/user_blob.o: $(GUEST_OUT)/vtl0-user.strip.elf \
                                      $(GUEST_OUT)/vtl0-lsass.strip.elf

$(GUEST_OUT)/vtl0.elf: $(VTL0_KOBJ) $(GUEST_LIB_K) guest/vtl0/kernel.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -T guest/vtl0/kernel.ld -o $@ $(VTL0_KOBJ) $(GUEST_LIB_K)

# --- sk: the secure kernel (VTL1) --------------------------------------------------------
SK_OBJ := $(patsubst guest/%.c,$(GUEST_OUT)/vtl1/%.o,$(wildcard guest/sk/*.c)) \
          $(patsubst guest/%.asm,$(GUEST_OUT)/vtl1/%.o,$(wildcard guest/sk/*.asm))

$(GUEST_OUT)/sk.elf: $(SK_OBJ) $(GUEST_LIB_S) guest/sk/sk.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -T guest/sk/sk.ld -o $@ $(SK_OBJ) $(GUEST_LIB_S)

# --- pattern rules ----------------------------------------------------------------------
$(GUEST_OUT)/kernel/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_KCFLAGS) -c $< -o $@

$(GUEST_OUT)/user/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_UCFLAGS) -c $< -o $@

$(GUEST_OUT)/vtl1/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_SKCFLAGS) -c $< -o $@

# (Two rules: a pattern rule with two targets would mean one run makes both.)
$(GUEST_OUT)/kernel/%.o: guest/%.asm
	@mkdir -p $(dir $@)
	$(GUEST_AS) $(GUEST_ASFLAGS) -i $(GUEST_OUT)/ -MD $(@:.o=.d) -MP -o $@ $<

$(GUEST_OUT)/vtl1/%.o: guest/%.asm
	@mkdir -p $(dir $@)
	$(GUEST_AS) $(GUEST_ASFLAGS) -i $(GUEST_OUT)/ -MD $(@:.o=.d) -MP -o $@ $<

-include $(VTL0_KOBJ:.o=.d) $(VTL0_UOBJ:.o=.d) $(SK_OBJ:.o=.d) \
         $(GUEST_LIB_KOBJ:.o=.d) $(GUEST_LIB_UOBJ:.o=.d) $(GUEST_LIB_SOBJ:.o=.d)
