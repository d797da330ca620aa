#!/usr/bin/env bash
# Installs the reference peer (Kamailio + rtpengine, userspace) and the load tools, from Debian's packages.
# Their services are not started: the benchmark starts its own instances on its own ports.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 update -qq
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
fi
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends kamailio rtpengine-daemon \
  sip-tester sysstat procps tcpdump tshark iproute2 python3 strace </dev/null
[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
exit 0
