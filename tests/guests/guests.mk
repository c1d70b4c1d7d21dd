# Test guests: every tests/guests/*.asm is one ELF64 image (nasm -f bin; the ELF header
# and page tables come from tests/guests/guest.inc) at build/tests/guests/NAME.elf.
# Run them with tests/scenarios/run_guests.sh BUILD_DIR.
TEST_GUEST_SRC := $(wildcard tests/guests/*.asm)
TEST_GUEST_ELF := $(patsubst tests/guests/%.asm,build/tests/guests/%.elf,$(TEST_GUEST_SRC))
TEST_GUEST_INC := $(wildcard tests/guests/*.inc)

.PHONY: test-guests
test-guests: $(TEST_GUEST_ELF)

build/tests/guests/%.elf: tests/guests/%.asm $(TEST_GUEST_INC)
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -I tests/guests/ -o $@ $<

# Reference builds of the same guests, booted by QEMU instead of vtlemu to check the
# guests themselves: `make test-guests-ref && tests/scenarios/run_guests.sh --qemu build/release`.
TEST_GUEST_REF := $(patsubst %.elf,%.ref,$(TEST_GUEST_ELF))

.PHONY: test-guests-ref
test-guests-ref: $(TEST_GUEST_REF)

build/tests/guests/%.ref: tests/guests/%.asm $(TEST_GUEST_INC)
	@mkdir -p $(dir $@)
	nasm -f bin -w+all -DREFERENCE -I tests/guests/ -o $@ $<
