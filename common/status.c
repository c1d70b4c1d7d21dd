#include "common/status.h"

const char *ve_status_str(ve_status s)
{
    switch (s) {
    case VE_OK:        return "ok";
    case VE_E_INVAL:   return "invalid argument";
    case VE_E_NOMEM:   return "out of memory";
    case VE_E_RANGE:   return "out of range";
    case VE_E_FORMAT:  return "malformed input";
    case VE_E_IO:      return "host I/O error";
    case VE_E_DENIED:  return "access denied";
    case VE_E_STATE:   return "invalid state";
    }
    return "unknown status";
}
