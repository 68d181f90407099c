#!/usr/bin/env bash
# Vendors what the workbench serves from its npm packages (workbench/assets, pinned in its
# package-lock.json) into workbench/static/workbench/vendor/, with their licences:
#   htmx.org                                      htmx (0BSD)
#   @utrecht/component-library-css                NL Design System components (EUPL-1.2)
#   @nl-design-system-unstable/voorbeeld-design-tokens
#                                                 the example theme (EUPL-1.2); a
#                                                 municipality puts its own tokens here.
# Utrecht's own design tokens are its proprietary house style, so they are not used.
# Usage: scripts/vendor-assets.sh   (after `npm ci` in workbench/assets)
set -euo pipefail
cd "$(dirname "$0")/.."
modules=workbench/assets/node_modules
target=workbench/static/workbench/vendor
test -d "$modules" || { echo "Run npm ci in workbench/assets first." >&2; exit 1; }
mkdir -p "$target"
cp "$modules/htmx.org/dist/htmx.min.js" "$target/htmx.min.js"
# Only the components the templates use (tests/workbench/test_assets.py keeps this list
# and the templates in step): 130 kB instead of the whole library's 400 kB.
components=(
  alert button button-group button-link checkbox document form form-field
  form-field-description form-field-error-message form-fieldset form-label heading-1
  heading-2 heading-3 link nav-bar ordered-list page-content page-footer page-header
  page-layout paragraph select skip-link table textarea textbox unordered-list
)
: > "$target/utrecht-components.css"
for component in "${components[@]}"; do
  cat "$modules/@utrecht/$component-css/dist/index.css" >> "$target/utrecht-components.css"
  echo >> "$target/utrecht-components.css"
done
cp "$modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css" "$target/theme.css"
{
  echo "Vendored by scripts/vendor-assets.sh from the npm registry; versions in"
  echo "workbench/assets/package-lock.json."
  for package in htmx.org @utrecht/component-library-css @nl-design-system-unstable/voorbeeld-design-tokens; do
    version=$(node -p "require('./$modules/$package/package.json').version")
    licence=$(node -p "require('./$modules/$package/package.json').license")
    echo "  $package $version ($licence)"
  done
} > "$target/SOURCES.txt"
