"""Gradle: build scripts (Groovy and Kotlin DSL), settings, version catalogs, lockfiles, dependencies output."""
