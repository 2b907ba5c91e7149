"""The demo township 清溪镇: a reproducible database to try the program on (`wuzha demo`)."""
