# collector/assets.mk: the asset register and preventive maintenance (issue 8).
