# debian/local.mk: the Debian packaging (docs/packaging.md) and its smoke
# test ship in the tarball, so the packages can be built from a release too.
# tools/pkg-smoke is not under "make check": it needs debootstrap, the
# Debian archive and minutes (docs/packaging.md).
EXTRA_DIST += \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/rules \
	debian/source/format \
	debian/local.mk \
	debian/pantau-agent.dirs \
	debian/pantau-agent.docs \
	debian/pantau-agent.install \
	debian/pantau-agent.postinst \
	debian/pantau-agent.postrm \
	debian/pantau-agent.service \
	debian/pantau-collector.dirs \
	debian/pantau-collector.docs \
	debian/pantau-collector.install \
	debian/pantau-collector.lintian-overrides \
	debian/pantau-collector.preinst \
	debian/pantau-collector.postinst \
	debian/pantau-collector.postrm \
	debian/pantau-collector.service \
	docs/packaging.md \
	tools/pkg-smoke
