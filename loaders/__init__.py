"""Loaders turn manifests, lockfiles, SBOMs and deployment files into plain records."""
