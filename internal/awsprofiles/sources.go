package awsprofiles

import "strings"

// checkSources refuses a source= that names no profile, the profile
// itself, a chain that comes back to where it started, or a profile in
// another partition (its credentials cannot call that partition's STS).
func checkSources(profiles []Profile, byName map[string]int, sourceAt map[string]token) error {
	for _, p := range profiles {
		if p.Source == "" {
			continue
		}
		at := sourceAt[p.Name]
		if p.Source == p.Name {
			return errAt(p.Line, at, "profile %s names itself as its source: use another profile's name, or remove source= to assume the role with the ID token", p.Name)
		}
		i, ok := byName[p.Source]
		if !ok {
			return errAt(p.Line, at, "source=%s names no profile: use the name of a profile defined in aws-profiles (%s)", show(p.Source), names(profiles))
		}
		if src := profiles[i]; src.Partition != p.Partition {
			return errAt(p.Line, at, "source=%s is in partition %s but profile %s is in %s: chain only within one partition", p.Source, src.Partition, p.Name, p.Partition)
		}
	}
	for _, p := range profiles {
		if cycle := cycleFrom(p, profiles, byName); cycle != nil {
			return errAt(p.Line, sourceAt[p.Name], "source= makes a cycle (%s): every chain must start at a profile without source=, which is assumed with the ID token", strings.Join(cycle, " -> "))
		}
	}
	return nil
}

// cycleFrom follows source= from p and returns the cycle p lies on, as
// names from p back to p; nil when the chain ends at a profile without a
// source or enters a cycle p is not part of (reported from that cycle's
// own first profile).
func cycleFrom(p Profile, profiles []Profile, byName map[string]int) []string {
	path := []string{p.Name}
	seen := map[string]bool{p.Name: true}
	for cur := p; cur.Source != ""; {
		cur = profiles[byName[cur.Source]]
		if cur.Name == p.Name {
			return append(path, p.Name)
		}
		if seen[cur.Name] {
			return nil
		}
		seen[cur.Name] = true
		path = append(path, cur.Name)
	}
	return nil
}

func names(profiles []Profile) string {
	var out []string
	for _, p := range profiles {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}

// sourcesFirst orders the profiles so each source comes before the
// profiles chained from it, keeping the input's order otherwise. The
// sources are known to form no cycle.
func sourcesFirst(profiles []Profile, byName map[string]int) []Profile {
	if len(profiles) == 0 {
		return nil
	}
	out := make([]Profile, 0, len(profiles))
	done := make([]bool, len(profiles))
	var visit func(i int)
	visit = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		if s := profiles[i].Source; s != "" {
			visit(byName[s])
		}
		out = append(out, profiles[i])
	}
	for i := range profiles {
		visit(i)
	}
	return out
}
