"""Deployment: Dockerfiles, Compose, Helm, Kustomize, Skaffold, Kubernetes manifests and kubectl dumps."""
