"""Backups: `bridgework backup`, `bridgework restore`, and the daily copies `serve` keeps."""
