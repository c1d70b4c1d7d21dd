/* Control-register and EFER bits the guest page walk depends on (Intel SDM vol. 3 §2.5,
 * §2.2.1). Named with the mmu_ prefix because only the walk's view of them lives here. */
#ifndef MMU_CR_H
#define MMU_CR_H

#include "common/bits.h"

#define MMU_CR0_PE          BIT64(0)
#define MMU_CR0_WP          BIT64(16)  /* supervisor writes honour R/W */
#define MMU_CR0_PG          BIT64(31)

#define MMU_CR4_PAE         BIT64(5)
#define MMU_CR4_SMEP        BIT64(20)  /* supervisor fetches from user pages fault */
#define MMU_CR4_SMAP        BIT64(21)  /* supervisor data accesses to user pages fault unless AC */

#define MMU_EFER_LME        BIT64(8)
#define MMU_EFER_LMA        BIT64(10)
#define MMU_EFER_NXE        BIT64(11)  /* XD is honoured (and no longer reserved) */

/* CR3 without the PCID (bits 11:0) and without bit 63. */
#define MMU_CR3_BASE        MASK64(51, 12)

#endif
