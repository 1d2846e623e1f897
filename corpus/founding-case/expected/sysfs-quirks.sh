# pciback quirks written by kdiag: each line lets the guest write one more configuration
# space register of one device (pciback's `quirks` attribute, drivers/xen/xen-pciback/
# pci_stub.c). Run them as root once the device is bound to pciback and before the domain
# that uses it starts.
#
# They last only until the host reboots or the device is unbound from pciback. To keep
# them, run these lines at every boot after pciback has claimed the devices and before any
# domain starts: from the script that binds the devices, or from a systemd unit (or udev
# rule) ordered after the binding and Before=xendomains.service. With xl/libxl there is no
# quirks file, so this is the narrow fix; permissive=1 (kdiag --emit xl) opens every
# register of the device instead.
#
# Iterative: pciback warns once per device binding, so the next read-only register the
# guest writes is reported only after a re-bind (which drops these quirks: apply them
# again) or a reboot.

# 0000:13:04.0 (reported by dmesg.log:11)
echo 0000:13:04.0-000000e0:2:00000000 > /sys/bus/pci/drivers/pciback/quirks

# 0000:13:04.1 (reported by dmesg.log:15)
echo 0000:13:04.1-000000e0:2:00000000 > /sys/bus/pci/drivers/pciback/quirks
