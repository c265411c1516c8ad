"""Extreme estate shapes as JSON inventories (BENCHMARKS.md section 8).

Usage: python3 extreme_shapes.py chain|cycle|groups|domains N > estate.json
"""
import json,sys
def chain(n):
    comps=[{"id":"c0","entry":True,"depends_on":["c1"]}]
    for i in range(1,n-1): comps.append({"id":f"c{i}","depends_on":[f"c{i+1}"]})
    comps.append({"id":f"c{n-1}"})
    return {"components":comps}
def cycle(n):
    comps=[{"id":f"c{i}","depends_on":[f"c{(i+1)%n}"]} for i in range(n)]
    comps[0]["entry"]=True
    return {"components":comps}
def groups(n):
    gs=[{"id":"g0","members":["alice"]}]+[{"id":f"g{i}","members":[f"g{i-1}"]} for i in range(1,n)]
    return {"components":[{"id":"db","entry":True}],"people":[{"id":"alice"}],"groups":gs,
            "systems":[{"id":"prod","component":"db"}],
            "grants":[{"principal":f"g{n-1}","system":"prod","level":"admin"}]}
def domains(n):
    ds=[{"id":"d0","kind":"zone"}]+[{"id":f"d{i}","kind":"zone","parent":f"d{i-1}"} for i in range(1,n)]
    return {"components":[{"id":"web","entry":True,"domains":[f"d{n-1}"]}],"domains":ds}
shape,n=sys.argv[1],int(sys.argv[2])
json.dump(globals()[shape](n),sys.stdout)
