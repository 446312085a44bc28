"""Ownership: CODEOWNERS, Kubernetes OWNERS and Backstage catalog entities."""
