""".NET: MSBuild project files (with Directory.*.props) and NuGet packages.lock.json."""
