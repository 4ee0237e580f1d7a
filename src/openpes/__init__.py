"""OpenPES: an open-source public employment service platform (公共就业服务信息平台)."""

__version__ = "0.1.0"
