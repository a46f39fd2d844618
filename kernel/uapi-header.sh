#!/bin/sh
# Print the uapi header include/uapi/linux/dlm_recover.h as the patch
# series creates it, so userspace builds against exactly what the kernel
# side defines.  Usage: uapi-header.sh PATCH > dlm_recover.h
set -eu
awk '
	/^\+\+\+ b\/include\/uapi\/linux\/dlm_recover\.h$/ { on = 1; next }
	on && /^@@/ { next }
	on && /^(diff --git|-- $)/ { exit }
	on && /^\+/ { print substr($0, 2) }
' "$1"
