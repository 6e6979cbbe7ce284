#!/usr/bin/env bash
# Makes the samples of the public Jekyll sites listed in sites.txt and Jekyll's own render of
# each sampled post, for `sites_render_like_jekyll` (crates/cli/tests/build.rs). See README.md.
#
#   tests/sites/prepare.sh [DATA_DIR]        (default: tests/sites/data, ignored by git)
#
# MIRRORS (default /work/.mirror) holds a git clone, bare or not, of each repository of
# sites.txt as MIRRORS/<owner>+<name>/repo. PER_SITE (default 40) is the sample size: the
# newest posts by file name. SITES (default sites.txt beside this script) is the list. Needs Debian's `jekyll` (4.3.1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$here/data}
mirrors=${MIRRORS:-/work/.mirror}
per_site=${PER_SITE:-40}
sites=${SITES:-$here/sites.txt}
command -v jekyll >/dev/null || { echo "needs jekyll: apt-get install jekyll" >&2; exit 1; }
version=$(jekyll --version)
[ "$version" = "jekyll 4.3.1" ] || echo "warning: the references were made with jekyll 4.3.1, this is $version" >&2
mkdir -p "$data"
data=$(cd "$data" && pwd)

grep -v '^#' "$sites" | while read -r name repo commit root posts _license; do
  [ -n "$name" ] || continue
  git_dir=$mirrors/${repo/\//+}/repo
  [ -d "$git_dir" ] || git_dir=$mirrors/${repo/\//+}/repo/.git
  out=$data/$name
  site_posts=${posts#"$root"/}
  rm -rf "$out"
  mkdir -p "$out/site" "$out/jekyll"
  tmp=$(mktemp -d)
  # The site's config, data and includes, and the newest posts by file name.
  paths=()
  for p in _config.yml _data _includes; do
    path=$root/$p
    path=${path#./}
    if git --git-dir="$git_dir" cat-file -e "$commit:$path" 2>/dev/null; then paths+=("$path"); fi
  done
  mapfile -t sample < <(git --git-dir="$git_dir" -c core.quotePath=false ls-tree -r --name-only "$commit" -- "$posts/" |
    awk -F/ '$NF ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-.*\.(md|markdown|mkd|mkdn|html|htm)$/ { print $NF "\t" $0 }' |
    LC_ALL=C sort -r | head -n "$per_site" | cut -f2)
  git --git-dir="$git_dir" archive "$commit" "${paths[@]}" "${sample[@]}" | tar -x -C "$tmp"
  cp -r "$tmp/$root/." "$out/site/"
  rm -rf "$tmp"
  # Debian's Jekyll (Ruby 3.1's Psych 4) refuses a config value that YAML reads as a Ruby
  # symbol (`permalink: :title`, as GitHub Pages' Jekyll reads it): such values are quoted.
  if [ -f "$out/site/_config.yml" ]; then
    sed -i -E "s/^([[:space:]]*[A-Za-z_-]+:[[:space:]]+)(:[A-Za-z][^'\"#]*)$/\1'\2'/" "$out/site/_config.yml"
  fi
  printf '%s %s %s %s\n' "$repo" "$commit" "$root" "$posts" >"$out/SOURCE"

  # Jekyll's render: every layout the posts or the config name is only `{{ content }}`, after
  # a first line naming the post (taken off below); no plugins; code not coloured (Gazette
  # does not colour code, and Rouge's <span>s would split the code's words in the comparison).
  build=$(mktemp -d)
  cp -r "$out/site/." "$build/"
  mkdir -p "$build/_layouts"
  # Documents the posts `{% link %}` to, for Jekyll only (it refuses a post whose link has no
  # target; Gazette does not read them).
  { grep -rhoE '\{%-?[[:space:]]*link[[:space:]]+[^[:space:]%]+' "$out/site" || true; } | awk '{ print $NF }' | sort -u |
    while read -r target; do
      path=$root/$target
      path=${path#./}
      if [ ! -e "$build/$target" ] && git --git-dir="$git_dir" cat-file -e "$commit:$path" 2>/dev/null; then
        mkdir -p "$(dirname "$build/$target")"
        git --git-dir="$git_dir" show "$commit:$path" >"$build/$target"
      fi
    done
  { echo default; echo post; echo page
    { grep -rhoE '^[[:space:]]*layout:[[:space:]]*["'\'']?[A-Za-z0-9_.-]+' "$build" || true; } |
      sed -E 's/^[[:space:]]*layout:[[:space:]]*["'\'']?//'
  } | sort -u | while read -r layout; do
    printf '<!--gazette-sites {{ page.path }}-->\n{{ content }}' >"$build/_layouts/$layout.html"
  done
  printf 'plugins: []\nwhitelist: []\nhighlighter: none\nkramdown:\n  syntax_highlighter_opts:\n    disable: true\n' >"$build/_config.sites.yml"
  : >"$out/refused.txt"
  # A post Jekyll refuses to build (a plugin's tag, a Liquid error) stops Jekyll's whole build:
  # it is taken out of the sample (and listed in refused.txt) and Jekyll runs again.
  for _ in $(seq 1 20); do
    if (cd "$build" && jekyll build --safe --quiet --config _config.yml,_config.sites.yml) >"$build/log" 2>&1; then
      break
    fi
    bad=$(grep -oE '[^ ]*_posts/[^ ]+\.(md|markdown|mkd|mkdn|html|htm)' "$build/log" | head -n 1 || true)
    if [ -z "$bad" ]; then cat "$build/log" >&2; exit 1; fi
    bad=${bad#"$build/"}
    echo "$bad: $(grep -m1 -iE 'error|exception' "$build/log")" >>"$out/refused.txt"
    rm -f "$build/$bad" "$out/site/$bad"
  done
  find "$build/_site" -name '*.html' | while read -r page; do
    first=$(head -n 1 "$page")
    case $first in
      '<!--gazette-sites '*'-->')
        path=${first#'<!--gazette-sites '}
        path=${path%'-->'}
        case $path in "$site_posts"/*) ;; *) continue ;; esac
        [ -e "$out/site/$path" ] || continue
        stem=$(basename "$path")
        stem=${stem%.*}
        tail -n +2 "$page" >"$out/jekyll/$stem.html" ;;
    esac
  done
  rm -rf "$build"
  echo "$name: $(find "$out/jekyll" -name '*.html' | wc -l) posts rendered, $(wc -l <"$out/refused.txt") refused by Jekyll"
done
