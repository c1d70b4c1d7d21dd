/* Status codes shared by every module. Each function that can fail returns one. */
#ifndef COMMON_STATUS_H
#define COMMON_STATUS_H

typedef enum ve_status {
    VE_OK = 0,
    VE_E_INVAL,     /* an argument is malformed */
    VE_E_NOMEM,     /* host allocation failed or a pool is exhausted */
    VE_E_RANGE,     /* an address or length lies outside what exists */
    VE_E_FORMAT,    /* input data (an image, a table) is malformed */
    VE_E_IO,        /* a host file could not be read or written */
    VE_E_DENIED,    /* an access was refused by a translation or protection */
    VE_E_STATE,     /* the call is not valid in the current state */
} ve_status;

const char *ve_status_str(ve_status s);

#endif
